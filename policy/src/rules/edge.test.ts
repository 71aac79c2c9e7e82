import { describe, expect, it } from "vitest";
import { cdnWaf, httpsOnly } from "./edge";
import { resource, STAGING } from "./testing";

const LISTENER = "aws:lb/listener:Listener";
const CDN = "aws:cloudfront/distribution:Distribution";
const goodCdn = {
  webAclId: "arn:aws:wafv2:us-east-1:123456789012:global/webacl/edge/1",
  viewerCertificate: { acmCertificateArn: "arn:cert", minimumProtocolVersion: "TLSv1.2_2021", sslSupportMethod: "sni-only" },
  defaultCacheBehavior: { viewerProtocolPolicy: "redirect-to-https" },
  orderedCacheBehaviors: [{ pathPattern: "/api/*", viewerProtocolPolicy: "https-only" }],
};

describe("https-only", () => {
  it("passes an HTTP listener that redirects, an HTTPS listener on a TLS 1.3 policy and a CDN on TLSv1.2_2021", () => {
    const redirect = {
      protocol: "HTTP",
      port: 80,
      defaultActions: [{ type: "redirect", redirect: { protocol: "HTTPS", port: "443", statusCode: "HTTP_301" } }],
    };
    expect(httpsOnly.validate(resource(LISTENER, redirect), STAGING)).toEqual([]);
    expect(httpsOnly.validate(resource(LISTENER, { protocol: "HTTPS", sslPolicy: "ELBSecurityPolicy-TLS13-1-2-2021-06" }), STAGING)).toEqual([]);
    expect(httpsOnly.validate(resource(CDN, goodCdn), STAGING)).toEqual([]);
  });
  it("fails an HTTP listener that forwards, an old TLS policy, and a CDN that allows HTTP or old TLS", () => {
    expect(httpsOnly.validate(resource(LISTENER, { protocol: "HTTP", defaultActions: [{ type: "forward", targetGroupArn: "tg" }] }), STAGING)).toHaveLength(1);
    expect(httpsOnly.validate(resource(LISTENER, { protocol: "HTTPS", sslPolicy: "ELBSecurityPolicy-2016-08" }), STAGING)).toEqual([
      expect.stringContaining("ELBSecurityPolicy-2016-08"),
    ]);
    expect(httpsOnly.validate(resource(LISTENER, { protocol: "HTTPS" }), STAGING)).toHaveLength(1);
    const weak = {
      ...goodCdn,
      viewerCertificate: { cloudfrontDefaultCertificate: true, minimumProtocolVersion: "TLSv1" },
      defaultCacheBehavior: { viewerProtocolPolicy: "allow-all" },
    };
    expect(httpsOnly.validate(resource(CDN, weak), STAGING)).toHaveLength(2);
  });
});

describe("cdn-waf", () => {
  it("passes a distribution with a web ACL", () => {
    expect(cdnWaf.validate(resource(CDN, goodCdn), STAGING)).toEqual([]);
  });
  it("fails one without", () => {
    expect(cdnWaf.validate(resource(CDN, { ...goodCdn, webAclId: undefined }), STAGING)).toEqual([expect.stringContaining("WAF")]);
  });
});

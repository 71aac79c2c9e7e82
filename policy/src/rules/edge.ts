import type { ResourceRule } from "./types";
import { asArray, asRecord, show } from "./values";

const LISTENERS = ["aws:lb/listener:Listener", "aws:alb/listener:Listener"];
const DISTRIBUTION = "aws:cloudfront/distribution:Distribution";

/** ALB TLS policies that allow only TLS 1.2+ with forward secrecy (the 2021+ AWS recommendations). */
export const CURRENT_ALB_TLS_POLICIES: readonly string[] = [
  "ELBSecurityPolicy-TLS13-1-2-2021-06",
  "ELBSecurityPolicy-TLS13-1-2-Res-2021-06",
  "ELBSecurityPolicy-TLS13-1-2-Ext1-2021-06",
  "ELBSecurityPolicy-TLS13-1-2-Ext2-2021-06",
  "ELBSecurityPolicy-TLS13-1-3-2021-06",
  "ELBSecurityPolicy-TLS13-1-2-FIPS-2023-04",
  "ELBSecurityPolicy-TLS13-1-3-FIPS-2023-04",
  "ELBSecurityPolicy-TLS13-1-2-PQ-2025-09",
  "ELBSecurityPolicy-TLS13-1-3-PQ-2025-09",
];
/** CloudFront viewer TLS floors that are current. */
export const CURRENT_CLOUDFRONT_TLS: readonly string[] = ["TLSv1.2_2021", "TLSv1.2_2025", "TLSv1.3_2025"];

/** Plain HTTP only ever redirects to HTTPS; HTTPS uses a current TLS policy. */
export const httpsOnly: ResourceRule = {
  kind: "resource",
  name: "https-only",
  description: "HTTP listeners redirect to HTTPS; HTTPS listeners and CloudFront use current TLS policies; viewers are redirected to HTTPS.",
  level: "mandatory",
  types: [...LISTENERS, DISTRIBUTION],
  validate({ type, props }) {
    if (type === DISTRIBUTION) {
      const problems: string[] = [];
      const certificate = asRecord(props.viewerCertificate);
      const floor = certificate?.minimumProtocolVersion;
      if (typeof floor !== "string" || !CURRENT_CLOUDFRONT_TLS.includes(floor)) {
        problems.push(`CloudFront minimumProtocolVersion is ${show(floor)}; use ${CURRENT_CLOUDFRONT_TLS.join(" or ")} with your own certificate`);
      }
      const behaviours = [asRecord(props.defaultCacheBehavior), ...asArray(props.orderedCacheBehaviors).map(asRecord)];
      for (const behaviour of behaviours) {
        const policy = behaviour?.viewerProtocolPolicy;
        if (behaviour && policy !== "redirect-to-https" && policy !== "https-only") {
          problems.push(`CloudFront cache behaviour ${show(behaviour.pathPattern, "default")} allows plain HTTP (viewerProtocolPolicy ${show(policy)})`);
        }
      }
      return problems;
    }
    const protocol = show(props.protocol, "").toUpperCase();
    if (protocol === "HTTP") {
      const actions = asArray(props.defaultActions).map(asRecord);
      const redirects = actions.length > 0 && actions.every((a) => a?.type === "redirect" && show(asRecord(a.redirect)?.protocol).toUpperCase() === "HTTPS");
      return redirects ? [] : ["HTTP listener must only redirect to HTTPS (defaultActions: redirect, protocol HTTPS)"];
    }
    if (protocol === "HTTPS" || protocol === "TLS") {
      const policy = props.sslPolicy;
      return typeof policy === "string" && CURRENT_ALB_TLS_POLICIES.includes(policy)
        ? []
        : [`listener sslPolicy is ${show(policy, "unset (AWS default, TLS 1.0+)")}; use one of ${CURRENT_ALB_TLS_POLICIES.slice(0, 2).join(", ")}, ...`];
    }
    return [];
  },
};

/** The CDN is behind AWS WAF. */
export const cdnWaf: ResourceRule = {
  kind: "resource",
  name: "cdn-waf",
  description: "Every CloudFront distribution has a WAF web ACL.",
  level: "mandatory",
  types: [DISTRIBUTION],
  validate({ props }) {
    return typeof props.webAclId === "string" && props.webAclId !== "" ? [] : ["CloudFront distribution has no WAF web ACL (set webAclId)"];
  },
};

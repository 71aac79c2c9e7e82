/* eslint-disable @typescript-eslint/no-explicit-any -- recorded mock inputs are untyped JSON; the assertions give them shape. */
/**
 * The Edge component under Pulumi's mocks, for staging and prod: what CloudFront, WAF, ACM, S3 and Route 53
 * are actually asked to create. No AWS here: these are the inputs the program sends, not deployed state.
 */
import * as aws from "@pulumi/aws";
import * as pulumi from "@pulumi/pulumi";
import { beforeAll, describe, expect, it } from "vitest";
import { loadEnvironment, type Environment } from "../environment";
import { RUNBOOK_DOCUMENT } from "../observability/runbooks";
import { installMocks, isWireSecret, promiseOf, type MockRecorder, type RecordedResource } from "../testing";
import { CLOUDFRONT_LOG_DELIVERY_CANONICAL_ID, MANAGED_RULE_GROUPS, RATE_LIMIT_RULE } from "./edge-policy";

const CLOUDFRONT_ZONE = "Z2FDTNDATAQYW2";
const ENVIRONMENTS = ["staging", "prod"] as const;

let recorder: MockRecorder;
const built = new Map<string, { environment: Environment; serviceUrl: string; outputs: Record<string, unknown> }>();

/** Waits until no new resource has been registered for a short while. */
async function quiesce(): Promise<void> {
  let last = -1;
  while (last !== recorder.resources.length) {
    last = recorder.resources.length;
    await new Promise((r) => setTimeout(r, 30));
  }
}

beforeAll(async () => {
  recorder = await installMocks({
    project: "platform-compute",
    stack: "staging",
  });
  const { Edge, edgeSettings } = await import("./edge.js");
  const main = new aws.Provider("aws-main", { region: "eu-west-1" });
  const usEast1Provider = new aws.Provider("aws-us-east-1", { region: "us-east-1" });
  for (const name of ENVIRONMENTS) {
    const environment = loadEnvironment(name);
    const edge = new Edge(
      `edge-${name}`,
      {
        ...edgeSettings(environment),
        originDomainName: `origin.${environment.dns.domainName}`,
        tags: { ...environment.tags, Layer: "compute" },
        usEast1Provider,
      },
      { provider: main },
    );
    const outputs = {
      distributionId: await promiseOf(edge.distributionId),
      domainName: await promiseOf(edge.domainName),
      webAclArn: await promiseOf(edge.webAclArn),
      cdnAlertTopicArn: await promiseOf(edge.cdnAlertTopicArn),
    };
    built.set(name, { environment, serviceUrl: await promiseOf(edge.serviceUrl), outputs });
  }
  // With the origin-verify header (the compute program always passes one).
  const staging = loadEnvironment("staging");
  const withHeader = new Edge(
    "header-edge",
    {
      ...edgeSettings(staging),
      originDomainName: `origin.${staging.dns.domainName}`,
      originVerifyHeader: { name: "X-Origin-Verify", value: pulumi.secret("s3cretHeaderValue") },
      tags: { ...staging.tags, Layer: "compute" },
      usEast1Provider,
    },
    { provider: main },
  );
  await promiseOf(withHeader.distributionId);
  // The recovery environment prod-dr (named so the per-environment filters above do not pick it up).
  const recovery = loadEnvironment("prod-dr");
  const recoveryEdge = new Edge(
    "recovery-edge",
    {
      ...edgeSettings(recovery),
      originDomainName: `origin.${recovery.dns.domainName}`,
      tags: { ...recovery.tags, Layer: "compute" },
      usEast1Provider,
    },
    { provider: main },
  );
  await promiseOf(recoveryEdge.distributionId);
  await quiesce();
});

const of = (env: string, type: string): RecordedResource[] => recorder.ofType(type).filter((r) => r.name.startsWith(`edge-${env}`));
const one = (env: string, type: string, role?: string): RecordedResource => {
  const found = of(env, type).filter((r) => role === undefined || r.name === `edge-${env}${role}`);
  if (found.length !== 1) throw new Error(`expected one ${type} ${role ?? ""} for ${env}, found ${found.map((r) => r.name).join(", ") || "none"}`);
  return found[0]!;
};
const input = (r: RecordedResource, path: string): any => path.split(".").reduce<any>((v, k) => v?.[k], r.inputs);
const usesProvider = (r: RecordedResource, providerName: string) => (r.provider ?? "").includes(`::pulumi:providers:aws::${providerName}::`);

describe.each(ENVIRONMENTS)("Edge (%s)", (env) => {
  const ctx = () => built.get(env)!;
  const distribution = () => one(env, "aws:cloudfront/distribution:Distribution");

  it("serves viewers over HTTPS only, with the environment's domain and a TLS 1.2 (2021) floor", () => {
    const { environment, serviceUrl } = ctx();
    const d = distribution();
    expect(["redirect-to-https", "https-only"]).toContain(input(d, "defaultCacheBehavior.viewerProtocolPolicy"));
    expect(input(d, "aliases")).toEqual([environment.dns.domainName]);
    expect(input(d, "viewerCertificate")).toMatchObject({ sslSupportMethod: "sni-only", minimumProtocolVersion: "TLSv1.2_2021" });
    expect(input(d, "viewerCertificate.cloudfrontDefaultCertificate")).not.toBe(true);
    expect(input(d, "priceClass")).toBe("PriceClass_100");
    expect(serviceUrl).toBe(`https://${environment.dns.domainName}`);
  });

  it("talks to origin.<domain> over HTTPS with TLS 1.2 only, caching nothing", () => {
    const d = distribution();
    const origins = input(d, "origins");
    expect(origins).toHaveLength(1);
    expect(origins[0].domainName).toBe(`origin.${ctx().environment.dns.domainName}`);
    expect(origins[0].customOriginConfig).toMatchObject({ originProtocolPolicy: "https-only", originSslProtocols: ["TLSv1.2"] });
    expect(input(d, "defaultCacheBehavior.targetOriginId")).toBe(origins[0].originId);
    expect(input(d, "defaultCacheBehavior.cachePolicyId")).toBe("4135ea2d-6df8-44a3-9df3-4b5a84be39ad");
    expect(input(d, "defaultCacheBehavior.originRequestPolicyId")).toBe("b689b0a8-53d0-40ab-baf2-68738e2966ac");
    expect(input(d, "defaultCacheBehavior.allowedMethods")).toEqual(expect.arrayContaining(["POST", "PATCH", "DELETE"]));
  });

  it("uses a us-east-1 ACM certificate for the domain, validated by a DNS record in the public zone", () => {
    const { environment } = ctx();
    const certificate = one(env, "aws:acm/certificate:Certificate");
    expect(usesProvider(certificate, "aws-us-east-1")).toBe(true);
    expect(certificate.inputs).toMatchObject({ domainName: environment.dns.domainName, validationMethod: "DNS" });
    expect(certificate.inputs.subjectAlternativeNames ?? []).toEqual([]);

    // The record ACM asked for (the simulation's answer, like AWS's: one per domain).
    const [asked] = certificate.state.domainValidationOptions as { resourceRecordName: string; resourceRecordValue: string }[];
    expect(asked!.resourceRecordName).toMatch(new RegExp(`^_[0-9a-f]+\\.${environment.dns.domainName.replace(/\./g, "\\.")}\\.$`));
    const record = one(env, "aws:route53/record:Record", "-certificate-validation");
    expect(record.inputs).toMatchObject({
      name: asked!.resourceRecordName,
      type: "CNAME",
      records: [asked!.resourceRecordValue],
    });
    const validation = one(env, "aws:acm/certificateValidation:CertificateValidation");
    expect(usesProvider(validation, "aws-us-east-1")).toBe(true);
    expect(validation.inputs.certificateArn).toBe(certificate.state.arn);
    expect(validation.inputs.validationRecordFqdns).toEqual([record.state.fqdn]);
    // The distribution waits for validation: it takes the ARN from the validation resource.
    expect(input(distribution(), "viewerCertificate.acmCertificateArn")).toBe(validation.inputs.certificateArn);
  });

  it("attaches a CLOUDFRONT-scope web ACL (us-east-1) with the managed groups and the per-IP rate limit", () => {
    const { environment, outputs } = ctx();
    const acl = one(env, "aws:wafv2/webAcl:WebAcl");
    expect(usesProvider(acl, "aws-us-east-1")).toBe(true);
    expect(acl.inputs.scope).toBe("CLOUDFRONT");
    expect(input(distribution(), "webAclId")).toBe(outputs.webAclArn);
    expect(outputs.webAclArn).toBe(acl.state.arn);

    const rules = acl.inputs.rules as any[];
    const groups = rules.map((r) => r.statement.managedRuleGroupStatement?.name).filter(Boolean);
    expect(groups).toEqual([...MANAGED_RULE_GROUPS]);
    for (const r of rules.filter((r) => r.statement.managedRuleGroupStatement)) {
      expect(r.statement.managedRuleGroupStatement.vendorName).toBe("AWS");
      expect(r.overrideAction).toEqual({ none: {} });
    }
    const rate = rules.find((r) => r.name === RATE_LIMIT_RULE);
    expect(rate.statement.rateBasedStatement).toMatchObject({ limit: environment.waf.rateLimitPer5Min, aggregateKeyType: "IP" });
    expect(rate.action).toEqual({ block: {} });
    expect(new Set(rules.map((r) => r.priority)).size).toBe(rules.length);
    for (const r of [...rules, acl.inputs]) expect(r.visibilityConfig).toMatchObject({ cloudwatchMetricsEnabled: true, sampledRequestsEnabled: true });
  });

  it("attaches a security-headers policy: HSTS preload, nosniff, DENY framing, no referrer, a locked-down CSP", () => {
    const policy = one(env, "aws:cloudfront/responseHeadersPolicy:ResponseHeadersPolicy");
    expect(input(distribution(), "defaultCacheBehavior.responseHeadersPolicyId")).toBe(policy.id);
    const h = policy.inputs.securityHeadersConfig as any;
    expect(h.strictTransportSecurity).toMatchObject({ includeSubdomains: true, preload: true, override: true });
    expect(h.strictTransportSecurity.accessControlMaxAgeSec).toBeGreaterThanOrEqual(31_536_000);
    expect(h.contentTypeOptions).toEqual({ override: true });
    expect(h.frameOptions).toEqual({ frameOption: "DENY", override: true });
    expect(h.referrerPolicy.referrerPolicy).toBe("no-referrer");
    expect(h.xssProtection).toMatchObject({ protection: true, modeBlock: true });
    expect(h.contentSecurityPolicy.contentSecurityPolicy).toContain("default-src 'none'");
    expect(h.contentSecurityPolicy.contentSecurityPolicy).toContain("frame-ancestors 'none'");
  });

  it("writes access logs to a private, encrypted bucket with ACL delivery for CloudFront and an expiry", () => {
    const { environment } = ctx();
    const bucket = one(env, "aws:s3/bucket:Bucket");
    expect(usesProvider(bucket, "aws-main")).toBe(true);
    expect(input(distribution(), "loggingConfig")).toMatchObject({ bucket: bucket.state.bucketDomainName, includeCookies: false });
    const bucketId = bucket.id;
    expect(one(env, "aws:s3/bucketOwnershipControls:BucketOwnershipControls").inputs).toEqual({
      bucket: bucketId,
      rule: { objectOwnership: "BucketOwnerPreferred" },
    });
    const grants = input(one(env, "aws:s3/bucketAcl:BucketAcl"), "accessControlPolicy.grants") as any[];
    expect(grants).toContainEqual({ grantee: { type: "CanonicalUser", id: CLOUDFRONT_LOG_DELIVERY_CANONICAL_ID }, permission: "FULL_CONTROL" });
    expect(one(env, "aws:s3/bucketPublicAccessBlock:BucketPublicAccessBlock").inputs).toMatchObject({
      bucket: bucketId,
      blockPublicAcls: true,
      ignorePublicAcls: true,
      blockPublicPolicy: true,
      restrictPublicBuckets: true,
    });
    const sse = one(env, "aws:s3/bucketServerSideEncryptionConfiguration:BucketServerSideEncryptionConfiguration");
    expect(input(sse, "rules.0.applyServerSideEncryptionByDefault.sseAlgorithm")).toBe("AES256");
    const lifecycle = one(env, "aws:s3/bucketLifecycleConfiguration:BucketLifecycleConfiguration");
    expect(input(lifecycle, "rules.0")).toMatchObject({ status: "Enabled", expiration: { days: environment.logRetentionDays } });
    expect(one(env, "aws:s3/bucketPolicy:BucketPolicy").inputs.policy).toContain('"aws:SecureTransport":"false"');
    expect(bucket.inputs.forceDestroy).toBe(!environment.isProduction);
  });

  it("points A and AAAA alias records for the domain at the distribution", () => {
    const { environment, outputs } = ctx();
    for (const type of ["A", "AAAA"]) {
      const record = of(env, "aws:route53/record:Record").find((r) => r.inputs.type === type);
      expect(record, `${type} record`).toBeDefined();
      expect(record!.inputs).toMatchObject({
        name: environment.dns.domainName,
        aliases: [{ name: outputs.domainName, zoneId: CLOUDFRONT_ZONE, evaluateTargetHealth: false }],
      });
    }
    expect(outputs.domainName).toMatch(/\.cloudfront\.net$/);
  });

  it("alarms on CloudFront's 5xx rate in us-east-1 and notifies a us-east-1 topic with the alert e-mails", () => {
    const { environment, outputs } = ctx();
    const alarm = one(env, "aws:cloudwatch/metricAlarm:MetricAlarm");
    expect(usesProvider(alarm, "aws-us-east-1")).toBe(true);
    expect(alarm.inputs).toMatchObject({
      namespace: "AWS/CloudFront",
      metricName: "5xxErrorRate",
      dimensions: { DistributionId: outputs.distributionId, Region: "Global" },
      threshold: environment.deployment.alarm5xxRatePercent,
    });
    expect(alarm.inputs.alarmActions).toEqual([outputs.cdnAlertTopicArn]);
    expect(alarm.inputs.okActions).toEqual([outputs.cdnAlertTopicArn]);
    expect(alarm.inputs.alarmDescription).toContain(`${RUNBOOK_DOCUMENT}#cdn-5xx-rate`);

    const topic = one(env, "aws:sns/topic:Topic");
    expect(usesProvider(topic, "aws-us-east-1")).toBe(true);
    expect(topic.inputs.kmsMasterKeyId).toBe(one(env, "aws:kms/key:Key").state.arn);
    expect(JSON.parse(String(one(env, "aws:kms/key:Key").inputs.policy)).Statement).toContainEqual(
      expect.objectContaining({
        Principal: { Service: "cloudwatch.amazonaws.com" },
        // Confused deputy: only this account's us-east-1 alarms may use the key.
        Condition: {
          StringEquals: { "aws:SourceAccount": "123456789012" },
          ArnLike: { "aws:SourceArn": "arn:aws:cloudwatch:us-east-1:123456789012:alarm:*" },
        },
      }),
    );
    const subscriptions = of(env, "aws:sns/topicSubscription:TopicSubscription");
    expect(subscriptions.map((s) => s.inputs.endpoint).sort()).toEqual([...environment.alertEmails].sort());
    for (const s of subscriptions) expect(s.inputs).toMatchObject({ protocol: "email", topic: outputs.cdnAlertTopicArn });
  });

  it("logs WAF decisions to aws-waf-logs-<env> in us-east-1, kept logRetentionDays, without the authorization header", () => {
    const { environment, outputs } = ctx();
    const group = one(env, "aws:cloudwatch/logGroup:LogGroup", "-waf-logs");
    expect(usesProvider(group, "aws-us-east-1")).toBe(true);
    // WAF accepts only log groups whose name starts with aws-waf-logs-.
    expect(group.inputs).toMatchObject({ name: `aws-waf-logs-${env}`, retentionInDays: environment.logRetentionDays });
    const logging = one(env, "aws:wafv2/webAclLoggingConfiguration:WebAclLoggingConfiguration");
    expect(usesProvider(logging, "aws-us-east-1")).toBe(true);
    expect(logging.inputs.resourceArn).toBe(outputs.webAclArn);
    expect(logging.inputs.logDestinationConfigs).toEqual([expect.stringMatching(new RegExp(`:log-group:aws-waf-logs-${env}$`))]);
    expect(logging.inputs.redactedFields).toEqual([{ singleHeader: { name: "authorization" } }]);
    // Log delivery writes through a resource policy tied to this account and log group (confused deputy).
    const policy = one(env, "aws:cloudwatch/logResourcePolicy:LogResourcePolicy");
    expect(usesProvider(policy, "aws-us-east-1")).toBe(true);
    const statement = JSON.parse(String(policy.inputs.policyDocument)).Statement[0];
    expect(statement).toMatchObject({
      Principal: { Service: "delivery.logs.amazonaws.com" },
      Action: ["logs:CreateLogStream", "logs:PutLogEvents"],
      Resource: [expect.stringMatching(new RegExp(`:log-group:aws-waf-logs-${env}:log-stream:\\*$`))],
      Condition: { StringEquals: { "aws:SourceAccount": "123456789012" }, ArnLike: { "aws:SourceArn": "arn:aws:logs:us-east-1:123456789012:*" } },
    });
  });

  it("tags every taggable resource with the layer tags", () => {
    const taggable = recorder.resources.filter((r) => r.name.startsWith(`edge-${env}`) && "tags" in r.inputs);
    expect(taggable.length).toBeGreaterThanOrEqual(6);
    for (const r of taggable) expect(r.inputs.tags, r.name).toMatchObject({ Environment: env, Layer: "compute" });
  });
});

describe("Edge origin-verify header", () => {
  it("adds the header to the origin's custom headers and sends the origins as a secret", () => {
    const origins = recorder.one("aws:cloudfront/distribution:Distribution", "header-edge").inputs.origins as any;
    expect(isWireSecret(origins)).toBe(true);
    expect(origins.value[0].customHeaders).toEqual([{ name: "X-Origin-Verify", value: "s3cretHeaderValue" }]);
  });

  it("adds no custom header when none is given", () => {
    for (const env of ENVIRONMENTS) expect(input(one(env, "aws:cloudfront/distribution:Distribution"), "origins")[0].customHeaders).toBeUndefined();
  });
});

describe("Edge of a recovery environment (prod-dr)", () => {
  const named = (type: string, name: string) => recorder.ofType(type).filter((r) => r.name === name);

  it("keeps its own host name, and its certificate also names prod's, so devctl dr cutover can move that name to it", () => {
    const [distribution] = named("aws:cloudfront/distribution:Distribution", "recovery-edge");
    // Only the certificate: prod's distribution holds ledger.platform.example.com until a cutover moves it.
    expect(input(distribution!, "aliases")).toEqual(["dr.ledger.platform.example.com"]);
    const [certificate] = named("aws:acm/certificate:Certificate", "recovery-edge-certificate");
    expect(certificate!.inputs).toMatchObject({ domainName: "dr.ledger.platform.example.com", subjectAlternativeNames: ["ledger.platform.example.com"] });
  });

  it("creates a validation record for its own name only, and waits for prod's record of the other", () => {
    const [certificate] = named("aws:acm/certificate:Certificate", "recovery-edge-certificate");
    const recordOf = (domain: string) =>
      (certificate!.state.domainValidationOptions as { domainName: string; resourceRecordName: string }[]).find((o) => o.domainName === domain)!
        .resourceRecordName;
    const own = recordOf("dr.ledger.platform.example.com");
    const prods = recordOf("ledger.platform.example.com");
    expect(named("aws:route53/record:Record", "recovery-edge-certificate-validation").map((r) => r.inputs.name)).toEqual([own]);
    const [validation] = named("aws:acm/certificateValidation:CertificateValidation", "recovery-edge-certificate");
    expect(validation!.inputs.validationRecordFqdns).toEqual([own, prods].map((fqdn) => fqdn.replace(/\.$/, "")));
  });
});

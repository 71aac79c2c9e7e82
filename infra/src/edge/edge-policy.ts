/**
 * What the edge enforces, as plain data: the WAF rules, the security headers and the CloudFront settings
 * that are not resources of their own. Pure, so it is tested without Pulumi's mocks.
 */

/** AWS managed rule groups on the web ACL, in evaluation order after the IP reputation list. */
export const MANAGED_RULE_GROUPS = [
  // Cheapest first: known-bad IPs are dropped before any body inspection.
  "AWSManagedRulesAmazonIpReputationList",
  "AWSManagedRulesCommonRuleSet",
  "AWSManagedRulesKnownBadInputsRuleSet",
  // The ledger stores data in PostgreSQL; parameterised queries are the real defence, this is depth.
  "AWSManagedRulesSQLiRuleSet",
] as const;

/** Name of the rate-based rule (also its CloudWatch metric suffix). */
export const RATE_LIMIT_RULE = "RateLimitPerIp";

/** WAF metric names allow letters, digits, hyphen and underscore only (max 128). */
export function wafMetricName(prefix: string, suffix: string): string {
  const name = `${prefix}-${suffix}`.replace(/[^A-Za-z0-9_-]/g, "-");
  if (name.length > 128) throw new Error(`WAF metric name ${name} is longer than 128 characters; use a shorter environment name.`);
  return name;
}

export interface WafRule {
  name: string;
  priority: number;
  statement: Record<string, unknown>;
  action?: { block: Record<string, never> };
  overrideAction?: { none: Record<string, never> };
  visibilityConfig: { cloudwatchMetricsEnabled: true; sampledRequestsEnabled: true; metricName: string };
}

/**
 * The web ACL's rules: IP reputation, then a per-IP rate limit over a 5-minute window, then the managed
 * groups that inspect requests. Managed groups keep their own actions (override "none").
 */
export function wafRules(rateLimitPer5Min: number, metricPrefix: string): WafRule[] {
  if (!Number.isInteger(rateLimitPer5Min) || rateLimitPer5Min < 10 || rateLimitPer5Min > 2_000_000_000) {
    throw new Error(`wafRateLimitPer5Min is ${rateLimitPer5Min}; WAF accepts a whole number of requests per IP between 10 and 2000000000.`);
  }
  const visibility = (suffix: string) => ({
    cloudwatchMetricsEnabled: true as const,
    sampledRequestsEnabled: true as const,
    metricName: wafMetricName(metricPrefix, suffix),
  });
  const managed = (group: string, priority: number): WafRule => ({
    name: `AWS-${group}`,
    priority,
    overrideAction: { none: {} },
    statement: { managedRuleGroupStatement: { vendorName: "AWS", name: group } },
    visibilityConfig: visibility(group),
  });
  const [reputation, ...inspecting] = MANAGED_RULE_GROUPS;
  return [
    managed(reputation, 0),
    {
      name: RATE_LIMIT_RULE,
      priority: 1,
      action: { block: {} },
      statement: { rateBasedStatement: { limit: rateLimitPer5Min, aggregateKeyType: "IP", evaluationWindowSec: 300 } },
      visibilityConfig: visibility(RATE_LIMIT_RULE),
    },
    ...inspecting.map((group, i) => managed(group, i + 2)),
  ];
}

/**
 * Content-Security-Policy for a JSON API: it serves no scripts, styles or frames, so nothing may load and
 * nothing may embed it. (The OpenAPI document at /docs/json is JSON too.)
 */
export const API_CONTENT_SECURITY_POLICY = "default-src 'none'; frame-ancestors 'none'; base-uri 'none'; form-action 'none'";

/** Two years; the HSTS preload list requires at least one year. */
export const HSTS_MAX_AGE_SECONDS = 63_072_000;

/** securityHeadersConfig of the response headers policy; override so the origin cannot weaken them. */
export function securityHeadersConfig() {
  return {
    strictTransportSecurity: { accessControlMaxAgeSec: HSTS_MAX_AGE_SECONDS, includeSubdomains: true, preload: true, override: true },
    contentTypeOptions: { override: true },
    frameOptions: { frameOption: "DENY", override: true },
    referrerPolicy: { referrerPolicy: "no-referrer", override: true },
    xssProtection: { protection: true, modeBlock: true, override: true },
    contentSecurityPolicy: { contentSecurityPolicy: API_CONTENT_SECURITY_POLICY, override: true },
  };
}

/**
 * IDs of CloudFront's managed policies. They are global constants published by AWS (the same in every
 * account), so they are written here instead of looked up with a data source on every preview.
 */
export const MANAGED_CACHE_POLICY_CACHING_DISABLED = "4135ea2d-6df8-44a3-9df3-4b5a84be39ad";
/** Forwards every viewer header except Host: CloudFront sends Host = the origin's name, which the ALB certificate covers. */
export const MANAGED_ORIGIN_REQUEST_POLICY_ALL_VIEWER_EXCEPT_HOST = "b689b0a8-53d0-40ab-baf2-68738e2966ac";

/**
 * Canonical user of CloudFront's log delivery account (awslogsdelivery) in the aws partition. Standard
 * (legacy) access logs are written through an S3 ACL grant to it.
 */
export const CLOUDFRONT_LOG_DELIVERY_CANONICAL_ID = "c4c1ede66af53448b93c283ce9448c4ba468c9432aa01d700d3878632f77d2d0";

/** CloudFront's viewer and origin TLS floors. */
export const VIEWER_MINIMUM_PROTOCOL = "TLSv1.2_2021";
export const ORIGIN_SSL_PROTOCOLS = ["TLSv1.2"] as const;

/** A logical-name-safe form of an e-mail address, stable as long as the address is. */
export function subscriptionSuffix(email: string): string {
  const at = email.indexOf("@");
  if (at < 1 || at === email.length - 1) throw new Error(`alertEmails entry "${email}" is not an e-mail address; use name@example.com.`);
  return email.toLowerCase().replace(/[^a-z0-9]+/g, "-");
}

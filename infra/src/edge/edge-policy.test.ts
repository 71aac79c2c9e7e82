import { describe, expect, it } from "vitest";
import {
  API_CONTENT_SECURITY_POLICY,
  MANAGED_RULE_GROUPS,
  RATE_LIMIT_RULE,
  securityHeadersConfig,
  subscriptionSuffix,
  wafMetricName,
  wafRules,
} from "./edge-policy";

describe("wafRules", () => {
  it("puts IP reputation first, then the rate limit, then the inspecting managed groups, with unique priorities", () => {
    const rules = wafRules(2000, "prod-edge");
    expect(rules.map((r) => r.name)).toEqual([
      "AWS-AWSManagedRulesAmazonIpReputationList",
      RATE_LIMIT_RULE,
      "AWS-AWSManagedRulesCommonRuleSet",
      "AWS-AWSManagedRulesKnownBadInputsRuleSet",
      "AWS-AWSManagedRulesSQLiRuleSet",
    ]);
    expect(rules.map((r) => r.priority)).toEqual([0, 1, 2, 3, 4]);
    expect(MANAGED_RULE_GROUPS).toContain("AWSManagedRulesCommonRuleSet");
  });

  it("blocks above the per-IP limit over five minutes and leaves managed groups their own actions", () => {
    const rules = wafRules(750, "staging-edge");
    const rate = rules.find((r) => r.name === RATE_LIMIT_RULE)!;
    expect(rate.statement).toEqual({ rateBasedStatement: { limit: 750, aggregateKeyType: "IP", evaluationWindowSec: 300 } });
    expect(rate.action).toEqual({ block: {} });
    for (const r of rules.filter((r) => r !== rate)) {
      expect(r.overrideAction).toEqual({ none: {} });
      expect(r.action).toBeUndefined();
    }
    for (const r of rules) expect(r.visibilityConfig.metricName).toMatch(/^staging-edge-[A-Za-z0-9_-]+$/);
  });

  it("rejects a limit WAF would refuse, naming the setting", () => {
    expect(() => wafRules(5, "x")).toThrow(/wafRateLimitPer5Min is 5/);
    expect(() => wafRules(100.5, "x")).toThrow(/whole number/);
  });

  it("keeps metric names to WAF's character set", () => {
    expect(wafMetricName("pre.prod", "rule one")).toBe("pre-prod-rule-one");
    expect(() => wafMetricName("x".repeat(130), "y")).toThrow(/longer than 128/);
  });
});

describe("securityHeadersConfig", () => {
  it("overrides whatever the origin sends, with HSTS preload for two years and a CSP that loads nothing", () => {
    const h = securityHeadersConfig();
    for (const header of Object.values(h)) expect(header.override).toBe(true);
    expect(h.strictTransportSecurity).toMatchObject({ accessControlMaxAgeSec: 63_072_000, includeSubdomains: true, preload: true });
    expect(h.contentSecurityPolicy.contentSecurityPolicy).toBe(API_CONTENT_SECURITY_POLICY);
    expect(API_CONTENT_SECURITY_POLICY.split(";").map((d) => d.trim())).toEqual(expect.arrayContaining(["default-src 'none'", "frame-ancestors 'none'"]));
  });
});

describe("subscriptionSuffix", () => {
  it("derives a stable logical-name suffix from an address and rejects non-addresses", () => {
    expect(subscriptionSuffix("Platform-OnCall@Example.com")).toBe("platform-oncall-example-com");
    expect(() => subscriptionSuffix("oncall")).toThrow(/"oncall" is not an e-mail address/);
  });
});

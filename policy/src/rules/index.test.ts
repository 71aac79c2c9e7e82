import { describe, expect, it } from "vitest";
import { environmentFromStackName, evaluateRules, RULES, stackOfUrn } from "./index";
import { resource, STAGING } from "./testing";

describe("the rule set", () => {
  it("has unique names and both levels", () => {
    expect(new Set(RULES.map((r) => r.name)).size).toBe(RULES.length);
    expect(new Set(RULES.map((r) => r.level))).toEqual(new Set(["mandatory", "advisory"]));
  });

  it("evaluates resource and stack rules into violations with policy, level and urn", () => {
    const vpc = resource("aws:ec2/vpc:Vpc", { cidrBlock: "10.0.0.0/16" }, "vpc");
    const violations = evaluateRules([vpc], STAGING);
    expect(violations).toEqual(
      expect.arrayContaining([
        { policy: "required-tags", level: "mandatory", urn: vpc.urn, message: expect.stringContaining("missing required tags") },
        { policy: "vpc-flow-logs", level: "mandatory", urn: vpc.urn, message: expect.stringContaining("no flow log") },
      ]),
    );
  });

  it("reads the stack from a URN and production from a stack name", () => {
    expect(stackOfUrn("urn:pulumi:prod::platform-data::aws:rds/instance:Instance::db")).toBe("prod");
    expect(environmentFromStackName("prod").isProduction).toBe(true);
    expect(environmentFromStackName("production").isProduction).toBe(true);
    expect(environmentFromStackName("staging").isProduction).toBe(false);
    expect(environmentFromStackName("product-demo").isProduction).toBe(false);
  });
});

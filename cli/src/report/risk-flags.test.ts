import { describe, expect, it } from "vitest";
import type { PreviewStep } from "../engine/engine";
import { riskFlags } from "./risk-flags";

const step = (op: PreviewStep["op"], type: string, extra: Partial<PreviewStep> = {}): PreviewStep => ({
  op,
  type,
  urn: `urn:pulumi:prod::p::${type}::r`,
  name: "r",
  ...extra,
});

describe("riskFlags", () => {
  it("flags replacing or deleting stateful resources: database, cache, DNS, CDN, bucket, key, secret", () => {
    const types = [
      "aws:rds/instance:Instance",
      "aws:elasticache/replicationGroup:ReplicationGroup",
      "aws:route53/record:Record",
      "aws:cloudfront/distribution:Distribution",
      "aws:s3/bucketV2:BucketV2",
      "aws:kms/key:Key",
      "aws:secretsmanager/secret:Secret",
    ];
    expect(riskFlags(types.map((t) => step("replace", t))).map((f) => f.kind)).toEqual(Array(7).fill("stateful-replace"));
    expect(riskFlags(types.map((t) => step("delete", t))).map((f) => f.kind)).toEqual(Array(7).fill("stateful-delete"));
    expect(riskFlags([step("replace", "aws:rds/instance:Instance")])[0]!.message).toContain("replaces database r");
  });

  it("does not flag updates of stateful resources or replacements of stateless ones", () => {
    expect(
      riskFlags([
        step("update", "aws:rds/instance:Instance"),
        step("replace", "aws:ecs/taskDefinition:TaskDefinition"),
        step("delete", "aws:cloudwatch/metricAlarm:MetricAlarm"),
      ]),
    ).toEqual([]);
  });

  it("flags new and changed ingress rules, and any rule open to the internet", () => {
    const flags = riskFlags([
      step("create", "aws:vpc/securityGroupIngressRule:SecurityGroupIngressRule", { newInputs: { referencedSecurityGroupId: "sg-1", fromPort: 5432 } }),
      step("update", "aws:vpc/securityGroupIngressRule:SecurityGroupIngressRule", { newInputs: { cidrIpv4: "0.0.0.0/0" } }),
      step("create", "aws:vpc/securityGroupEgressRule:SecurityGroupEgressRule", { newInputs: { cidrIpv4: "10.0.0.0/16" } }),
      step("create", "aws:vpc/securityGroupEgressRule:SecurityGroupEgressRule", { newInputs: { cidrIpv6: "::/0" } }),
      step("create", "aws:ec2/securityGroupRule:SecurityGroupRule", { newInputs: { type: "ingress", cidrBlocks: ["10.1.0.0/16"] } }),
      step("create", "aws:ec2/securityGroupRule:SecurityGroupRule", { newInputs: { type: "egress", cidrBlocks: ["10.1.0.0/16"] } }),
      step("delete", "aws:vpc/securityGroupIngressRule:SecurityGroupIngressRule"),
    ]);
    expect(flags.map((f) => f.message)).toEqual([
      "adds ingress rule r",
      "changes ingress rule r open to the internet (0.0.0.0/0)",
      "adds egress rule r open to the internet (0.0.0.0/0)",
      "adds ingress rule r",
    ]);
    expect(flags.every((f) => f.kind === "network-widening")).toBe(true);
  });

  it("flags security groups whose inline ingress changes, not those where only tags change", () => {
    const sg = "aws:ec2/securityGroup:SecurityGroup";
    const ingress = [{ fromPort: 443, toPort: 443, protocol: "tcp", cidrBlocks: ["0.0.0.0/0"] }];
    expect(riskFlags([step("update", sg, { diffs: ["ingress"], newInputs: { ingress } })])[0]!.message).toBe(
      "changes security group r with changed ingress rules (some open to 0.0.0.0/0)",
    );
    expect(riskFlags([step("update", sg, { diffs: ["tags"], newInputs: { ingress } })])).toEqual([]);
    expect(riskFlags([step("create", sg, { newInputs: { ingress: [] } })])).toEqual([]);
  });

  it("flags IAM role and policy changes, not their deletion", () => {
    const flags = riskFlags([
      step("create", "aws:iam/role:Role"),
      step("update", "aws:iam/rolePolicy:RolePolicy"),
      step("replace", "aws:iam/rolePolicyAttachment:RolePolicyAttachment"),
      step("create", "aws:iam/policy:Policy"),
      step("delete", "aws:iam/role:Role"),
      step("create", "aws:iam/openIdConnectProvider:OpenIdConnectProvider"),
    ]);
    expect(flags.map((f) => [f.kind, f.message])).toEqual([
      ["iam-change", "adds IAM Role r"],
      ["iam-change", "changes IAM RolePolicy r"],
      ["iam-change", "replaces IAM RolePolicyAttachment r"],
      ["iam-change", "adds IAM Policy r"],
    ]);
  });
});

import { describe, expect, it } from "vitest";
import { networkAclRules, type NetworkAclRuleSpec } from "./network-acl-rules";
import { cidrContains, MAX_AZ_COUNT, subnetLayout, SUBNET_TIERS } from "./subnet-plan";

const VPC = "10.30.0.0/16";
// Only six AZ counts exist: check each of them rather than sample.
const AZ_COUNTS = Array.from({ length: MAX_AZ_COUNT }, (_, i) => i + 1);
const covers = (r: NetworkAclRuleSpec, port: number) => r.protocol === "-1" || (r.fromPort <= port && port <= r.toPort);

describe("network ACL rules", () => {
  it("keeps rule numbers unique per tier and direction, and keys unique, for any AZ count", () => {
    for (const count of AZ_COUNTS) {
      const layout = subnetLayout(VPC, count);
      for (const tier of SUBNET_TIERS) {
        const rules = networkAclRules(tier, VPC, layout);
        expect(new Set(rules.map((r) => r.key)).size).toBe(rules.length);
        for (const egress of [true, false]) {
          const numbers = rules.filter((r) => r.egress === egress).map((r) => r.ruleNumber);
          expect(new Set(numbers).size).toBe(numbers.length);
          // Below 32767 (AWS's maximum) and clear of the default deny (*).
          for (const n of numbers) expect(n > 0 && n < 32767).toBe(true);
        }
      }
    }
  });

  it("keeps the first AZs' isolated rules identical when AZs are added (stable names and numbers)", () => {
    const two = networkAclRules("isolated", VPC, subnetLayout(VPC, 2));
    const three = networkAclRules("isolated", VPC, subnetLayout(VPC, 3));
    for (const rule of two) expect(three).toContainEqual(rule);
    expect(three.filter((r) => !two.some((t) => t.key === r.key)).every((r) => r.key.endsWith("-2"))).toBe(true);
  });

  it("lets the internet reach only 80 and 443 (and return traffic) in the public tier", () => {
    const inbound = networkAclRules("public", VPC, subnetLayout(VPC, 3)).filter((r) => !r.egress && r.cidrBlock === "0.0.0.0/0");
    expect(inbound.map((r) => [r.fromPort, r.toPort])).toEqual([
      [80, 80],
      [443, 443],
      [1024, 65535],
    ]);
  });

  it("lets the private tier talk to the VPC, and out to the internet only on 443", () => {
    const rules = networkAclRules("private", VPC, subnetLayout(VPC, 2));
    expect(rules.filter((r) => r.protocol === "-1").map((r) => r.cidrBlock)).toEqual([VPC, VPC]);
    const outToInternet = rules.filter((r) => r.egress && r.cidrBlock === "0.0.0.0/0");
    expect(outToInternet.map((r) => [r.fromPort, r.toPort])).toEqual([[443, 443]]);
  });

  it("opens the isolated tier only to PostgreSQL/Redis from private (and isolated) subnets, never the internet or public tier", () => {
    for (const count of AZ_COUNTS) {
      const layout = subnetLayout(VPC, count);
      const privates = layout.map((s) => s.private);
      const isolated = layout.map((s) => s.isolated);
      const rules = networkAclRules("isolated", VPC, layout);
      for (const r of rules) {
        expect(r.protocol).toBe("tcp");
        expect([...privates, ...isolated]).toContain(r.cidrBlock);
        for (const p of layout.map((s) => s.public)) expect(cidrContains(r.cidrBlock, p)).toBe(false);
      }
      for (const r of rules.filter((x) => !x.egress && privates.includes(x.cidrBlock))) {
        expect([5432, 6379]).toContain(r.fromPort);
        expect(r.toPort).toBe(r.fromPort);
      }
      for (const p of privates) {
        expect(rules.filter((r) => !r.egress && r.cidrBlock === p && covers(r, 5432))).toHaveLength(1);
        expect(rules.filter((r) => !r.egress && r.cidrBlock === p && covers(r, 6379))).toHaveLength(1);
        expect(rules.filter((r) => r.egress && r.cidrBlock === p)).toEqual([expect.objectContaining({ fromPort: 1024, toPort: 65535 })]);
      }
    }
  });
});

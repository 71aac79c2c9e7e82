import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { CLOUDFRONT_ORIGIN_FACING_PREFIX_LIST, DATA_PORTS, MANAGED_PREFIX_LISTS, SECURITY_GROUP_ROLES, securityGroupRules } from "./security-group-rules";

const VPC = "10.20.0.0/16";
const servicePort = fc.integer({ min: 1, max: 65535 }).filter((p) => !DATA_PORTS.includes(p));

describe("security group rules", () => {
  it("never opens a data port to an address range, whatever the service port", () => {
    fc.assert(
      fc.property(servicePort, (port) => {
        for (const rule of securityGroupRules({ servicePort: port, vpcCidr: VPC })) {
          if ("group" in rule.peer) continue;
          expect(DATA_PORTS).not.toContain(rule.port);
        }
      }),
    );
  });

  it("takes nothing from 0.0.0.0/0 or ::/0: the ALB's only ingress is 443 from CloudFront's origin-facing prefix list", () => {
    fc.assert(
      fc.property(servicePort, (port) => {
        const rules = securityGroupRules({ servicePort: port, vpcCidr: VPC });
        const ingress = rules.filter((r) => r.direction === "ingress");
        for (const r of ingress) {
          expect("cidrIpv4" in r.peer && r.peer.cidrIpv4 === "0.0.0.0/0", r.key).toBe(false);
          expect("cidrIpv6" in r.peer, r.key).toBe(false);
        }
        expect(ingress.filter((r) => r.group === "alb").map((r) => ({ port: r.port, peer: r.peer }))).toEqual([
          { port: 443, peer: { prefixList: "cloudfrontOriginFacing" } },
        ]);
      }),
    );
    expect(MANAGED_PREFIX_LISTS.cloudfrontOriginFacing).toBe("com.amazonaws.global.cloudfront.origin-facing");
    expect(CLOUDFRONT_ORIGIN_FACING_PREFIX_LIST).toBe(MANAGED_PREFIX_LISTS.cloudfrontOriginFacing);
  });

  it("names a prefix list in one rule only (each reference costs its max entries, ~55, of the group's 60 inbound rules)", () => {
    const rules = securityGroupRules({ servicePort: 8080, vpcCidr: VPC });
    const byGroup = new Map<string, number>();
    for (const r of rules.filter((x) => "prefixList" in x.peer)) byGroup.set(r.group, (byGroup.get(r.group) ?? 0) + 1);
    expect([...byGroup.entries()]).toEqual([["alb", 1]]);
    expect(rules.some((r) => r.direction === "ingress" && r.port === 80)).toBe(false);
  });

  it("wires the data stores to the service group only and gives them no egress", () => {
    const rules = securityGroupRules({ servicePort: 3000, vpcCidr: VPC });
    expect(rules.filter((r) => r.group === "database" || r.group === "cache")).toEqual([
      expect.objectContaining({ group: "database", direction: "ingress", port: 5432, peer: { group: "service" } }),
      expect.objectContaining({ group: "cache", direction: "ingress", port: 6379, peer: { group: "service" } }),
    ]);
    expect(rules.filter((r) => r.group === "service" && r.direction === "ingress")).toEqual([expect.objectContaining({ port: 3000, peer: { group: "alb" } })]);
  });

  it("has unique keys and only known groups", () => {
    const rules = securityGroupRules({ servicePort: 8080, vpcCidr: VPC });
    expect(new Set(rules.map((r) => r.key)).size).toBe(rules.length);
    for (const r of rules) {
      expect(SECURITY_GROUP_ROLES).toContain(r.group);
      if ("group" in r.peer) expect(SECURITY_GROUP_ROLES).toContain(r.peer.group);
    }
  });

  it("rejects a service port that is not a port or is a data port", () => {
    expect(() => securityGroupRules({ servicePort: 0, vpcCidr: VPC })).toThrow(/servicePort 0 is not a TCP port; set platform:servicePort/);
    expect(() => securityGroupRules({ servicePort: 5432, vpcCidr: VPC })).toThrow(/servicePort 5432 is a data port/);
  });
});

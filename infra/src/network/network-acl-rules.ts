/**
 * Network ACL rules per subnet tier, as data. NACLs are stateless: every allowed flow needs its return
 * traffic allowed too, which is what the "ephemeral" rules are (1024-65535 covers the Linux range
 * 32768-60999, NAT gateways 1024-65535 and ELB). Traffic to the Amazon DNS resolver, instance/task metadata
 * and Time Sync is never filtered by NACLs, so no rule is needed for it. The VPC is IPv4-only.
 */
import { type SubnetCidrs, type SubnetTier } from "./subnet-plan";

export const ANYWHERE_IPV4 = "0.0.0.0/0";
export const EPHEMERAL_PORTS = { from: 1024, to: 65535 } as const;
export const POSTGRES_PORT = 5432;
export const REDIS_PORT = 6379;

export interface NetworkAclRuleSpec {
  /** Stable part of the logical name; embeds at most an AZ index. */
  readonly key: string;
  readonly egress: boolean;
  /** Unique per tier and direction; derived from the rule's kind and AZ index only. */
  readonly ruleNumber: number;
  /** "tcp" or "-1" (all protocols). */
  readonly protocol: "tcp" | "-1";
  readonly fromPort: number;
  readonly toPort: number;
  readonly cidrBlock: string;
}

const tcp = (key: string, egress: boolean, ruleNumber: number, from: number, to: number, cidrBlock: string): NetworkAclRuleSpec => ({
  key,
  egress,
  ruleNumber,
  protocol: "tcp",
  fromPort: from,
  toPort: to,
  cidrBlock,
});

const all = (key: string, egress: boolean, ruleNumber: number, cidrBlock: string): NetworkAclRuleSpec => ({
  key,
  egress,
  ruleNumber,
  protocol: "-1",
  fromPort: 0,
  toPort: 0,
  cidrBlock,
});

/**
 * The rules of one tier's NACL.
 * - public: HTTP/HTTPS from the internet to the ALB, return traffic from the internet (NAT), everything
 *   from and to the VPC (NAT forwarding for the private tier, ALB to targets); out: HTTPS (NAT) and
 *   return traffic to clients.
 * - private: everything from and to the VPC, return traffic from the internet (through NAT and the S3
 *   gateway endpoint), HTTPS out.
 * - isolated: PostgreSQL and Redis from each private subnet, the same ports between isolated subnets
 *   (ElastiCache replicas sync with their primary over the nodes' ENIs), return traffic only back to those
 *   subnets. Nothing from or to the internet, nothing from the public tier.
 */
export function networkAclRules(tier: SubnetTier, vpcCidr: string, subnets: readonly SubnetCidrs[]): NetworkAclRuleSpec[] {
  const { from, to } = EPHEMERAL_PORTS;
  switch (tier) {
    case "public":
      return [
        tcp("in-http", false, 100, 80, 80, ANYWHERE_IPV4),
        tcp("in-https", false, 110, 443, 443, ANYWHERE_IPV4),
        tcp("in-ephemeral", false, 120, from, to, ANYWHERE_IPV4),
        all("in-vpc", false, 130, vpcCidr),
        tcp("out-https", true, 100, 443, 443, ANYWHERE_IPV4),
        tcp("out-ephemeral", true, 110, from, to, ANYWHERE_IPV4),
        all("out-vpc", true, 120, vpcCidr),
      ];
    case "private":
      return [
        all("in-vpc", false, 100, vpcCidr),
        tcp("in-ephemeral", false, 110, from, to, ANYWHERE_IPV4),
        all("out-vpc", true, 100, vpcCidr),
        tcp("out-https", true, 110, 443, 443, ANYWHERE_IPV4),
      ];
    case "isolated":
      return subnets.flatMap((s) => {
        const i = s.azIndex;
        return [
          tcp(`in-postgres-private-${i}`, false, 100 + i, POSTGRES_PORT, POSTGRES_PORT, s.private),
          tcp(`in-redis-private-${i}`, false, 110 + i, REDIS_PORT, REDIS_PORT, s.private),
          tcp(`in-postgres-isolated-${i}`, false, 120 + i, POSTGRES_PORT, POSTGRES_PORT, s.isolated),
          tcp(`in-redis-isolated-${i}`, false, 130 + i, REDIS_PORT, REDIS_PORT, s.isolated),
          tcp(`in-ephemeral-isolated-${i}`, false, 140 + i, from, to, s.isolated),
          tcp(`out-ephemeral-private-${i}`, true, 100 + i, from, to, s.private),
          tcp(`out-ephemeral-isolated-${i}`, true, 110 + i, from, to, s.isolated),
          tcp(`out-postgres-isolated-${i}`, true, 120 + i, POSTGRES_PORT, POSTGRES_PORT, s.isolated),
          tcp(`out-redis-isolated-${i}`, true, 130 + i, REDIS_PORT, REDIS_PORT, s.isolated),
        ];
      });
  }
}

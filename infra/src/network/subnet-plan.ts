/**
 * Subnet CIDR maths and naming for the platform VPC. Pure functions: no Pulumi, no AWS.
 *
 * Layout of a VPC of prefix /p (p = 16..20), in eighths (/p+3):
 *
 *   eighth 0..5  private subnet of AZ 0..5          (/p+3 each: where the tasks run, most addresses)
 *   eighth 6     public  subnets, split in /p+6:   AZ i gets slot i (0..5), slots 6-7 free
 *   eighth 7     isolated subnets, split in /p+6:  AZ i gets slot i (0..5), slots 6-7 free
 *
 * A subnet's CIDR depends only on the VPC CIDR, its tier and its AZ index — never on the AZ count — so
 * going from 3 AZs to 2 deletes the third AZ's subnets and leaves the first two untouched (a changed
 * CIDR would replace the subnet and everything in it). For a /16 that is /19 private (8187 usable),
 * /22 public and isolated (1019 usable); for a /20, /23 and /26 (59 usable: enough for RDS and Redis).
 */
import { vpcCidrProblem } from "../environment/rules";

export const SUBNET_TIERS = ["public", "private", "isolated"] as const;
export type SubnetTier = (typeof SUBNET_TIERS)[number];

/** Most AZs the layout has room for (the environment model allows 2-6). */
export const MAX_AZ_COUNT = 6;

export interface SubnetCidrs {
  readonly azIndex: number;
  readonly public: string;
  readonly private: string;
  readonly isolated: string;
}

/** Parses a.b.c.d/nn into a 32-bit network number and prefix; throws naming the CIDR when malformed. */
export function parseIpv4Cidr(cidr: string): { readonly base: number; readonly prefix: number } {
  const match = /^(\d{1,3})\.(\d{1,3})\.(\d{1,3})\.(\d{1,3})\/(\d{1,2})$/.exec(cidr);
  const octets = match ? match.slice(1, 5).map(Number) : [];
  const prefix = match ? Number(match[5]) : NaN;
  if (!match || octets.some((o) => o > 255) || prefix > 32) {
    throw new Error(`"${cidr}" is not an IPv4 CIDR; write it as a.b.c.d/nn, e.g. 10.20.0.0/16.`);
  }
  const base = octets.reduce((acc, o) => acc * 256 + o, 0);
  return { base, prefix };
}

export function formatIpv4Cidr(base: number, prefix: number): string {
  const octets = [24, 16, 8, 0].map((shift) => Math.floor(base / 2 ** shift) % 256);
  return `${octets.join(".")}/${prefix}`;
}

/** True when CIDR `inner` lies entirely inside CIDR `outer`. */
export function cidrContains(outer: string, inner: string): boolean {
  const o = parseIpv4Cidr(outer);
  const i = parseIpv4Cidr(inner);
  return i.prefix >= o.prefix && i.base >= o.base && i.base + 2 ** (32 - i.prefix) <= o.base + 2 ** (32 - o.prefix);
}

/** True when two CIDRs share at least one address. */
export function cidrsOverlap(a: string, b: string): boolean {
  const x = parseIpv4Cidr(a);
  const y = parseIpv4Cidr(b);
  return x.base < y.base + 2 ** (32 - y.prefix) && y.base < x.base + 2 ** (32 - x.prefix);
}

/** The three subnets of one AZ. Throws when the VPC CIDR is not one the environment model accepts. */
export function subnetCidrs(vpcCidr: string, azIndex: number): SubnetCidrs {
  const problem = vpcCidrProblem(vpcCidr);
  if (problem) throw new Error(`VPC CIDR "${vpcCidr}" ${problem}.`);
  if (!Number.isInteger(azIndex) || azIndex < 0 || azIndex >= MAX_AZ_COUNT) {
    throw new Error(`AZ index ${azIndex} is out of range: the subnet layout has room for AZ 0 to ${MAX_AZ_COUNT - 1}.`);
  }
  const { base, prefix } = parseIpv4Cidr(vpcCidr);
  const eighth = 2 ** (32 - prefix - 3);
  const slot = 2 ** (32 - prefix - 6);
  return {
    azIndex,
    private: formatIpv4Cidr(base + azIndex * eighth, prefix + 3),
    public: formatIpv4Cidr(base + 6 * eighth + azIndex * slot, prefix + 6),
    isolated: formatIpv4Cidr(base + 7 * eighth + azIndex * slot, prefix + 6),
  };
}

/** Subnets of AZ 0..azCount-1. Throws when azCount is outside 1..MAX_AZ_COUNT. */
export function subnetLayout(vpcCidr: string, azCount: number): SubnetCidrs[] {
  if (!Number.isInteger(azCount) || azCount < 1 || azCount > MAX_AZ_COUNT) {
    throw new Error(`azCount ${azCount} is out of range: use 1 to ${MAX_AZ_COUNT} (the environment file's platform:azCount).`);
  }
  return Array.from({ length: azCount }, (_, i) => subnetCidrs(vpcCidr, i));
}

/** Number of NAT gateways: one for "single", one per AZ for "perAz". */
export function natGatewayCount(mode: "single" | "perAz", azCount: number): number {
  return mode === "perAz" ? azCount : 1;
}

/**
 * The NAT gateway (by index) the private route table of an AZ sends internet traffic to. With "single"
 * every AZ uses NAT 0 (in public subnet 0): cheaper, but an outage of AZ 0 cuts the others' egress.
 */
export function natIndexForAz(mode: "single" | "perAz", azIndex: number): number {
  return mode === "perAz" ? azIndex : 0;
}

/**
 * Logical names of the per-AZ resources. They embed only the AZ index, never the AZ count or a CIDR, so a
 * changed environment setting never renames (and so replaces) an unrelated resource.
 */
export const networkNames = {
  subnet: (name: string, tier: SubnetTier, azIndex: number) => `${name}-${tier}-${azIndex}`,
  privateRouteTable: (name: string, azIndex: number) => `${name}-private-${azIndex}`,
  routeTableAssociation: (name: string, tier: SubnetTier, azIndex: number) => `${name}-${tier}-${azIndex}`,
  natGateway: (name: string, natIndex: number) => `${name}-nat-${natIndex}`,
  natEip: (name: string, natIndex: number) => `${name}-nat-${natIndex}`,
  naclAssociation: (name: string, tier: SubnetTier, azIndex: number) => `${name}-${tier}-${azIndex}`,
} as const;

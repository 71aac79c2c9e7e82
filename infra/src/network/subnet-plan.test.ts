import fc from "fast-check";
import { describe, expect, it } from "vitest";
import {
  cidrContains,
  cidrsOverlap,
  formatIpv4Cidr,
  MAX_AZ_COUNT,
  natGatewayCount,
  natIndexForAz,
  networkNames,
  parseIpv4Cidr,
  subnetCidrs,
  subnetLayout,
  SUBNET_TIERS,
} from "./subnet-plan";

/** Any VPC CIDR the environment model accepts: /16-/20 inside 10/8, 172.16/12 or 192.168/16. */
const vpcCidr = fc
  .tuple(fc.constantFrom(["10.0.0.0", 8], ["172.16.0.0", 12], ["192.168.0.0", 16]), fc.integer({ min: 16, max: 20 }), fc.nat())
  .map(([[range, bits], prefix, seed]) => {
    const { base } = parseIpv4Cidr(`${range as string}/${bits as number}`);
    const blocks = 2 ** (prefix - (bits as number));
    return formatIpv4Cidr(base + (seed % blocks) * 2 ** (32 - prefix), prefix);
  });
const azCount = fc.integer({ min: 1, max: MAX_AZ_COUNT });

describe("subnet layout", () => {
  it("lays out the staging VPC as documented", () => {
    expect(subnetLayout("10.20.0.0/16", 2)).toEqual([
      { azIndex: 0, private: "10.20.0.0/19", public: "10.20.192.0/22", isolated: "10.20.224.0/22" },
      { azIndex: 1, private: "10.20.32.0/19", public: "10.20.196.0/22", isolated: "10.20.228.0/22" },
    ]);
    expect(subnetCidrs("192.168.16.0/20", 5)).toEqual({
      azIndex: 5,
      private: "192.168.26.0/23",
      public: "192.168.29.64/26",
      isolated: "192.168.31.64/26",
    });
  });

  it("keeps every subnet inside the VPC and no two subnets overlapping", () => {
    fc.assert(
      fc.property(vpcCidr, azCount, (vpc, count) => {
        const all = subnetLayout(vpc, count).flatMap((s) => SUBNET_TIERS.map((t) => s[t]));
        expect(all).toHaveLength(3 * count);
        for (const c of all) expect(cidrContains(vpc, c)).toBe(true);
        for (let i = 0; i < all.length; i++) for (let j = i + 1; j < all.length; j++) expect(cidrsOverlap(all[i]!, all[j]!)).toBe(false);
      }),
    );
  });

  it("gives an AZ the same subnets whatever the AZ count (3 -> 2 keeps AZ 0 and 1)", () => {
    fc.assert(
      fc.property(vpcCidr, azCount, azCount, (vpc, a, b) => {
        const small = subnetLayout(vpc, Math.min(a, b));
        expect(subnetLayout(vpc, Math.max(a, b)).slice(0, small.length)).toEqual(small);
      }),
    );
  });

  it("gives private subnets the most room (8x a public or isolated one)", () => {
    fc.assert(
      fc.property(vpcCidr, fc.integer({ min: 0, max: MAX_AZ_COUNT - 1 }), (vpc, i) => {
        const s = subnetCidrs(vpc, i);
        expect(parseIpv4Cidr(s.public).prefix - parseIpv4Cidr(s.private).prefix).toBe(3);
        expect(parseIpv4Cidr(s.isolated).prefix).toBe(parseIpv4Cidr(s.public).prefix);
        // Even a /20 VPC leaves a /26 (59 usable addresses after AWS's 5) per isolated subnet.
        expect(parseIpv4Cidr(s.isolated).prefix).toBeLessThanOrEqual(26);
      }),
    );
  });

  it("rejects bad input with the value and the fix", () => {
    expect(() => subnetLayout("10.20.0.0/16", 0)).toThrow(/azCount 0 is out of range: use 1 to 6/);
    expect(() => subnetLayout("10.20.0.0/16", 7)).toThrow(/azCount 7/);
    expect(() => subnetLayout("10.20.0.0/16", 2.5)).toThrow(/azCount 2.5/);
    expect(() => subnetLayout("10.20.0.0/24", 2)).toThrow(/VPC CIDR "10.20.0.0\/24" has prefix \/24/);
    expect(() => subnetLayout("8.8.0.0/16", 2)).toThrow(/not a private/);
    expect(() => subnetLayout("10.20.0.1/16", 2)).toThrow(/host bits/);
    expect(() => subnetCidrs("10.20.0.0/16", 6)).toThrow(/AZ index 6 is out of range/);
    expect(() => parseIpv4Cidr("10.0.0.300/16")).toThrow(/not an IPv4 CIDR/);
  });

  it("parses and formats CIDRs symmetrically and compares them", () => {
    fc.assert(
      fc.property(fc.integer({ min: 0, max: 2 ** 32 - 1 }), fc.integer({ min: 0, max: 32 }), (n, prefix) => {
        const base = n - (n % 2 ** (32 - prefix));
        expect(parseIpv4Cidr(formatIpv4Cidr(base, prefix))).toEqual({ base, prefix });
      }),
    );
    expect(cidrContains("10.0.0.0/16", "10.0.255.0/24")).toBe(true);
    expect(cidrContains("10.0.0.0/16", "10.1.0.0/24")).toBe(false);
    expect(cidrContains("10.0.0.0/16", "10.0.0.0/8")).toBe(false);
    expect(cidrsOverlap("10.0.0.0/8", "10.9.0.0/16")).toBe(true);
    expect(cidrsOverlap("10.0.0.0/24", "10.0.1.0/24")).toBe(false);
  });
});

describe("NAT sizing", () => {
  it("uses one NAT for single and one per AZ for perAz", () => {
    fc.assert(
      fc.property(azCount, (count) => {
        expect(natGatewayCount("single", count)).toBe(1);
        expect(natGatewayCount("perAz", count)).toBe(count);
        for (let i = 0; i < count; i++) {
          expect(natIndexForAz("single", i)).toBe(0);
          expect(natIndexForAz("perAz", i)).toBe(i);
          expect(natIndexForAz("perAz", i)).toBeLessThan(natGatewayCount("perAz", count));
        }
      }),
    );
  });
});

describe("network names", () => {
  it("embed the component name, the tier and the AZ index only", () => {
    expect(networkNames.subnet("prod", "isolated", 2)).toBe("prod-isolated-2");
    expect(networkNames.privateRouteTable("prod", 1)).toBe("prod-private-1");
    expect(networkNames.natGateway("prod", 0)).toBe("prod-nat-0");
    fc.assert(
      fc.property(fc.constantFrom(...SUBNET_TIERS), fc.integer({ min: 0, max: 5 }), (tier, i) => {
        const names = [networkNames.subnet("x", tier, i), networkNames.routeTableAssociation("x", tier, i), networkNames.naclAssociation("x", tier, i)];
        for (const n of names) expect(n).toBe(`x-${tier}-${i}`);
      }),
    );
  });
});

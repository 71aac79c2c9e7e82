import type { ResourceRule, StackRule, Violation } from "./types";
import { asArray, asNumber, asRecord, asStringArray, show } from "./values";

const SECURITY_GROUP = "aws:ec2/securityGroup:SecurityGroup";
const INGRESS_RULE = "aws:vpc/securityGroupIngressRule:SecurityGroupIngressRule";
const LEGACY_RULE = "aws:ec2/securityGroupRule:SecurityGroupRule";
const VPC = "aws:ec2/vpc:Vpc";
const AWSX_VPC = "awsx:ec2:Vpc";
const FLOW_LOG = "aws:ec2/flowLog:FlowLog";

/** Ports the internet may reach (the load balancer's HTTP redirect and HTTPS). */
export const INTERNET_PORTS: readonly number[] = [80, 443];
/** Ports of the data stores: reachable only from named security groups, never from an address range. */
export const DATA_PORTS: readonly number[] = [5432, 6379];
const INTERNET = new Set(["0.0.0.0/0", "::/0"]);

interface Ingress {
  readonly protocol: string;
  readonly from: number;
  readonly to: number;
  readonly cidrs: readonly string[];
}

function ingressOf(type: string, props: Readonly<Record<string, unknown>>): Ingress[] {
  const range = (protocol: unknown, from: unknown, to: unknown) => {
    const p = show(protocol, "tcp").toLowerCase();
    // Protocol -1 (all) ignores the ports: it opens everything.
    const all = p === "-1" || p === "all";
    return { protocol: p, from: all ? 0 : (asNumber(from) ?? 0), to: all ? 65535 : (asNumber(to) ?? asNumber(from) ?? 65535) };
  };
  if (type === SECURITY_GROUP) {
    return asArray(props.ingress)
      .map(asRecord)
      .filter((r) => r !== undefined)
      .map((r) => ({
        ...range(r.protocol, r.fromPort, r.toPort),
        cidrs: [...asStringArray(r.cidrBlocks), ...asStringArray(r.ipv6CidrBlocks)],
      }));
  }
  if (type === INGRESS_RULE) {
    const cidrs = [props.cidrIpv4, props.cidrIpv6].filter((c): c is string => typeof c === "string");
    return [{ ...range(props.ipProtocol, props.fromPort, props.toPort), cidrs }];
  }
  if (props.type !== "ingress") return [];
  return [{ ...range(props.protocol, props.fromPort, props.toPort), cidrs: [...asStringArray(props.cidrBlocks), ...asStringArray(props.ipv6CidrBlocks)] }];
}

const describe = (i: Ingress) => (i.from === i.to ? `port ${i.from}` : `ports ${i.from}-${i.to}`) + `/${i.protocol}`;

/** The internet reaches only 80 and 443; no address range reaches a data port. */
export const securityGroupIngress: ResourceRule = {
  kind: "resource",
  name: "security-group-ingress",
  description: "No security group opens a port other than 80/443 to the internet, nor a data port (5432, 6379) to any CIDR.",
  level: "mandatory",
  types: [SECURITY_GROUP, INGRESS_RULE, LEGACY_RULE],
  validate({ type, props }) {
    const problems: string[] = [];
    for (const ingress of ingressOf(type, props)) {
      const open = ingress.cidrs.filter((c) => INTERNET.has(c));
      if (open.length > 0 && !(ingress.from === ingress.to && INTERNET_PORTS.includes(ingress.from))) {
        problems.push(`ingress ${describe(ingress)} is open to the internet (${open.join(", ")}); only ports 80 and 443 may be`);
      }
      const dataPorts = DATA_PORTS.filter((p) => p >= ingress.from && p <= ingress.to);
      if (dataPorts.length > 0 && ingress.cidrs.length > 0) {
        problems.push(
          `ingress ${describe(ingress)} opens data port ${dataPorts.join(", ")} to CIDR ${ingress.cidrs.join(", ")}; allow a security group instead`,
        );
      }
    }
    return problems;
  },
};

/**
 * Every VPC has a flow log. Matched by VPC id where it is known (offline plan); in a real preview ids are
 * unknown until created, so then each VPC needs some flow log whose VPC is not yet known.
 */
export const vpcFlowLogs: StackRule = {
  kind: "stack",
  name: "vpc-flow-logs",
  description: "Every VPC records flow logs.",
  level: "mandatory",
  validate(resources) {
    const vpcs = resources.filter((r) => r.type === VPC || r.type === AWSX_VPC);
    const flowLogs = resources.filter((r) => r.type === FLOW_LOG);
    const logged = new Set(flowLogs.map((f) => f.props.vpcId).filter((id): id is string => typeof id === "string"));
    let unmatched = flowLogs.filter((f) => typeof f.props.vpcId !== "string").length;
    const violations: Violation[] = [];
    for (const vpc of vpcs) {
      const ids = [vpc.id, vpc.props.vpcId].filter((id): id is string => typeof id === "string");
      if (ids.some((id) => logged.has(id))) continue;
      if (unmatched > 0) {
        unmatched -= 1;
        continue;
      }
      violations.push({ urn: vpc.urn, message: `VPC ${vpc.name} has no flow log (add an aws.ec2.FlowLog with its vpcId)` });
    }
    return violations;
  },
};

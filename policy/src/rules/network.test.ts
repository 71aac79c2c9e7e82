import { describe, expect, it } from "vitest";
import { securityGroupIngress, vpcFlowLogs } from "./network";
import { resource, STAGING } from "./testing";

const SG = "aws:ec2/securityGroup:SecurityGroup";
const RULE = "aws:vpc/securityGroupIngressRule:SecurityGroupIngressRule";

describe("security-group-ingress", () => {
  it("passes HTTPS from the internet and PostgreSQL from a security group", () => {
    expect(securityGroupIngress.validate(resource(RULE, { ipProtocol: "tcp", fromPort: 443, toPort: 443, cidrIpv4: "0.0.0.0/0" }), STAGING)).toEqual([]);
    expect(
      securityGroupIngress.validate(resource(RULE, { ipProtocol: "tcp", fromPort: 5432, toPort: 5432, referencedSecurityGroupId: "sg-1" }), STAGING),
    ).toEqual([]);
    expect(
      securityGroupIngress.validate(resource(SG, { ingress: [{ protocol: "tcp", fromPort: 80, toPort: 80, ipv6CidrBlocks: ["::/0"] }] }), STAGING),
    ).toEqual([]);
  });
  it("fails SSH or everything from the internet, and a data port open to any CIDR", () => {
    expect(
      securityGroupIngress.validate(resource(SG, { ingress: [{ protocol: "tcp", fromPort: 22, toPort: 22, cidrBlocks: ["0.0.0.0/0"] }] }), STAGING),
    ).toEqual([expect.stringContaining("port 22/tcp is open to the internet")]);
    expect(securityGroupIngress.validate(resource(RULE, { ipProtocol: "-1", cidrIpv6: "::/0" }), STAGING).length).toBeGreaterThan(0);
    expect(securityGroupIngress.validate(resource(RULE, { ipProtocol: "tcp", fromPort: 6379, toPort: 6379, cidrIpv4: "10.0.0.0/16" }), STAGING)).toEqual([
      expect.stringContaining("data port 6379"),
    ]);
    expect(
      securityGroupIngress.validate(
        resource("aws:ec2/securityGroupRule:SecurityGroupRule", { type: "ingress", protocol: "tcp", fromPort: 5000, toPort: 6000, cidrBlocks: ["10.0.0.0/8"] }),
        STAGING,
      ),
    ).toEqual([expect.stringContaining("data port 5432")]);
  });
});

describe("vpc-flow-logs", () => {
  const vpc = { ...resource("aws:ec2/vpc:Vpc", { cidrBlock: "10.0.0.0/16" }, "vpc"), id: "vpc-1" };
  it("passes a VPC with a flow log on its id", () => {
    expect(vpcFlowLogs.validate([vpc, resource("aws:ec2/flowLog:FlowLog", { vpcId: "vpc-1" }, "fl")], STAGING)).toEqual([]);
  });
  it("passes in a real preview, where ids are not known yet, when a flow log waits for a VPC", () => {
    const preview = { ...vpc, id: undefined };
    expect(vpcFlowLogs.validate([preview, resource("aws:ec2/flowLog:FlowLog", {}, "fl")], STAGING)).toEqual([]);
  });
  it("fails a VPC whose flow log is elsewhere, or missing", () => {
    expect(vpcFlowLogs.validate([vpc, resource("aws:ec2/flowLog:FlowLog", { vpcId: "vpc-2" }, "fl")], STAGING)).toEqual([
      { urn: vpc.urn, message: expect.stringContaining("has no flow log") },
    ]);
    expect(vpcFlowLogs.validate([vpc], STAGING)).toHaveLength(1);
  });
});

/**
 * Runs the network program on the simulation (@platform/infra/testing) for the tests beside it: every
 * computed attribute it reads (an EIP's allocation id, a key's id) comes from the one table devctl plan uses.
 */
import type { Environment } from "@platform/infra/environment";
import { runLayerProgram, type LayerRun } from "@platform/infra/testing";

/** Type tokens of the resources these tests look up. */
export const TYPES = {
  vpc: "aws:ec2/vpc:Vpc",
  subnet: "aws:ec2/subnet:Subnet",
  nat: "aws:ec2/natGateway:NatGateway",
  eip: "aws:ec2/eip:Eip",
  routeTable: "aws:ec2/routeTable:RouteTable",
  route: "aws:ec2/route:Route",
  rtAssoc: "aws:ec2/routeTableAssociation:RouteTableAssociation",
  igw: "aws:ec2/internetGateway:InternetGateway",
  nacl: "aws:ec2/networkAcl:NetworkAcl",
  naclRule: "aws:ec2/networkAclRule:NetworkAclRule",
  naclAssoc: "aws:ec2/networkAclAssociation:NetworkAclAssociation",
  flowLog: "aws:ec2/flowLog:FlowLog",
  logGroup: "aws:cloudwatch/logGroup:LogGroup",
  role: "aws:iam/role:Role",
  rolePolicy: "aws:iam/rolePolicy:RolePolicy",
  endpoint: "aws:ec2/vpcEndpoint:VpcEndpoint",
  sg: "aws:ec2/securityGroup:SecurityGroup",
  defaultSg: "aws:ec2/defaultSecurityGroup:DefaultSecurityGroup",
  ingress: "aws:vpc/securityGroupIngressRule:SecurityGroupIngressRule",
  egress: "aws:vpc/securityGroupEgressRule:SecurityGroupEgressRule",
  key: "aws:kms/key:Key",
  alias: "aws:kms/alias:Alias",
  topic: "aws:sns/topic:Topic",
  topicPolicy: "aws:sns/topicPolicy:TopicPolicy",
  subscription: "aws:sns/topicSubscription:TopicSubscription",
} as const;

export interface NetworkRun extends LayerRun {
  readonly environment: Environment;
}

/** Evaluates the network program for an environment (call once per process). */
export async function runNetworkProgram(environment: Environment): Promise<NetworkRun> {
  const run = await runLayerProgram({
    project: "platform-network",
    stack: environment.name,
    load: async () => {
      const { networkProgram } = await import("../src/program.js");
      return () => networkProgram(environment);
    },
  });
  return { ...run, environment };
}

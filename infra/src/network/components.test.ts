/**
 * The components' own checks under Pulumi's mocks: bad arguments fail with a message naming the argument
 * and the fix, before any cloud call. (The full layer is asserted in stacks/network.)
 */
import * as pulumi from "@pulumi/pulumi";
import { beforeAll, describe, expect, it } from "vitest";
import { installMocks, promiseOf, settleResources, type MockRecorder } from "../testing/mocks";
import type * as Components from "./index";

let c: typeof Components;
let recorder: MockRecorder;
const tags = { Environment: "test", Layer: "network" };

/** A component's constructor error, or undefined when it built. */
function errorOf(build: () => unknown): string | undefined {
  try {
    build();
    return undefined;
  } catch (error) {
    expect(error).toBeInstanceOf(pulumi.ResourceError);
    return (error as Error).message;
  }
}

beforeAll(async () => {
  recorder = await installMocks({ project: "platform-network", stack: "test" });
  c = await import("./index.js");
});

describe("Network", () => {
  const base = { vpcCidr: "10.40.0.0/16", azCount: 2, region: "eu-west-1", logRetentionDays: 30, kmsKeyArn: "arn:aws:kms:key", tags };

  it("rejects an AZ count the layout has no room for", () => {
    expect(errorOf(() => new c.Network("bad-az", { ...base, azCount: 7 }))).toMatch(/azCount 7 is out of range: use 1 to 6/);
  });

  it("rejects a retention CloudWatch does not accept", () => {
    expect(errorOf(() => new c.Network("bad-retention", { ...base, logRetentionDays: 10 }))).toMatch(
      /logRetentionDays 10 is not a retention CloudWatch accepts; use one of 1, 3, 5/,
    );
  });

  it("rejects a public or oversized VPC CIDR", () => {
    expect(errorOf(() => new c.Network("bad-cidr", { ...base, vpcCidr: "100.64.0.0/16" }))).toMatch(/VPC CIDR "100.64.0.0\/16" is not a private/);
  });

  it("rejects fewer explicit AZs than azCount", () => {
    expect(errorOf(() => new c.Network("few-az", { ...base, availabilityZones: ["eu-west-1a"] }))).toMatch(/availabilityZones lists 1 AZs but azCount is 2/);
  });

  it("uses the explicit AZs in order and defaults to a single NAT gateway", async () => {
    const network = new c.Network("explicit", { ...base, availabilityZones: ["eu-west-1c", "eu-west-1a", "eu-west-1b"] });
    expect(await promiseOf(network.availabilityZones)).toEqual(["eu-west-1c", "eu-west-1a"]);
    await promiseOf(network.natGatewayIds);
    await settleResources(recorder);
    expect(recorder.resources.filter((r) => r.type === "aws:ec2/natGateway:NatGateway" && r.name.startsWith("explicit-"))).toHaveLength(1);
    expect(recorder.one("aws:cloudwatch/logGroup:LogGroup", "explicit-flow-logs").inputs.name).toBe("/platform/explicit/vpc-flow-logs");
  });
});

describe("KeyAndAlertTopic", () => {
  it("keeps the type token it was deployed with, so the key and topic keep their URNs", async () => {
    const component = new c.KeyAndAlertTopic("prod", { region: "eu-west-1", alertEmails: ["a@example.com"], tags });
    expect(await promiseOf(component.urn)).toBe("urn:pulumi:test::platform-network::platform:network:Foundations::prod");
  });

  it("rejects an empty or malformed alert list", () => {
    expect(errorOf(() => new c.KeyAndAlertTopic("no-mail", { region: "eu-west-1", alertEmails: [], tags }))).toMatch(/alertEmails is empty/);
    expect(errorOf(() => new c.KeyAndAlertTopic("bad-mail", { region: "eu-west-1", alertEmails: ["ops"], tags }))).toMatch(/"ops" is not an e-mail address/);
  });

  it("rejects a key deletion window KMS does not accept", () => {
    expect(errorOf(() => new c.KeyAndAlertTopic("window", { region: "eu-west-1", alertEmails: ["a@example.com"], tags, keyDeletionWindowDays: 3 }))).toMatch(
      /keyDeletionWindowDays 3 is outside 7-30/,
    );
  });
});

describe("SecurityGroups and VpcEndpoints", () => {
  it("reject a data port as service port and a malformed endpoint service", () => {
    expect(errorOf(() => new c.SecurityGroups("sg", { vpcId: "vpc-1", vpcCidr: "10.0.0.0/16", servicePort: 6379, tags }))).toMatch(
      /servicePort 6379 is a data port/,
    );
    const endpointArgs = { vpcId: "vpc-1", region: "eu-west-1", subnetIds: [], routeTableIds: [], securityGroupId: "sg-1", tags };
    expect(errorOf(() => new c.VpcEndpoints("ep", { ...endpointArgs, interfaceServices: ["ECR API"] }))).toMatch(/"ECR API" is not a service short name/);
  });

  it("adds the DynamoDB gateway endpoint only when asked", async () => {
    const endpointArgs = { vpcId: "vpc-1", region: "eu-west-1", subnetIds: ["s-1"], routeTableIds: ["rt-1"], securityGroupId: "sg-1", tags };
    const withDynamo = new c.VpcEndpoints("with", { ...endpointArgs, dynamodb: true, interfaceServices: [] });
    expect(Object.keys(await promiseOf(withDynamo.endpointIds)).sort()).toEqual(["dynamodb", "s3"]);
    const without = new c.VpcEndpoints("without", endpointArgs);
    expect(Object.keys(await promiseOf(without.endpointIds)).sort()).toEqual(["ecr.api", "ecr.dkr", "logs", "s3", "secretsmanager"]);
  });
});

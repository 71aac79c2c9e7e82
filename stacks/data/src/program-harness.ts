/**
 * Runs the data program under Pulumi's mocks for the tests beside it: records every resource with the inputs
 * the program sent and the options it was given, and feeds the network layer's outputs.
 * Test support only; nothing here creates cloud resources.
 */
import * as pulumi from "@pulumi/pulumi";
import { type Environment } from "@platform/infra/environment";
import type { DataProgramOptions } from "./program";
import { installMocks, settle, type MockRecorder, type RecordedResource } from "../../../infra/src/testing/mocks";

/** What the network layer answers with in these tests. */
export const NETWORK = {
  vpcId: "vpc-0123",
  vpcCidr: "10.20.0.0/16",
  isolatedSubnetIds: ["subnet-iso-a", "subnet-iso-b", "subnet-iso-c"],
  privateSubnetIds: ["subnet-priv-a", "subnet-priv-b", "subnet-priv-c"],
  databaseSecurityGroupId: "sg-database",
  cacheSecurityGroupId: "sg-cache",
  kmsKeyArn: "arn:aws:kms:eu-west-1:123456789012:key/network-key",
  alertTopicArn: "arn:aws:sns:eu-west-1:123456789012:platform-alerts",
};

/** The secret RDS creates for the master user (absent from the mocks' inputs, so supplied as state). */
export const RDS_MANAGED_SECRET_ARN = "arn:aws:secretsmanager:eu-west-1:123456789012:secret:rds!db-0123-abcdef";
/** The instance's DbiResourceId, which RDS assigns (supplied as state). */
export const DB_RESOURCE_ID = "db-ABCDEFGHIJKLMNOPQRSTUVWXY0";

/** The AUTH token the mocked RandomPassword "generates" for a resource name. */
export function generatedToken(name: string): string {
  return `tok${name.replace(/[^A-Za-z0-9]/g, "")}`.padEnd(64, "x0");
}

export interface DataRun {
  readonly recorder: MockRecorder;
  readonly outputs: Record<string, pulumi.Input<unknown>>;
  /** Resource options each resource was constructed with, by `${type}::${name}`. */
  readonly options: ReadonlyMap<string, pulumi.CustomResourceOptions>;
  /** Recorded resources except the stack itself. */
  readonly resources: RecordedResource[];
}

/** Builds the data layer for an environment and waits until every resource is registered. */
export async function runDataProgram(environment: Environment, programOptions: DataProgramOptions = {}): Promise<DataRun> {
  const recorder = await installMocks({
    project: "platform-data",
    stack: environment.name,
    upstream: { network: NETWORK },
    state: (type, name, inputs) => {
      if (type === "aws:rds/instance:Instance") {
        return {
          address: `${String(inputs.identifier)}.c0ffee.eu-west-1.rds.amazonaws.com`,
          masterUserSecrets: [{ secretArn: RDS_MANAGED_SECRET_ARN, kmsKeyId: inputs.masterUserSecretKmsKeyId, secretStatus: "active" }],
          resourceId: DB_RESOURCE_ID,
        };
      }
      if (type === "random:index/randomPassword:RandomPassword") return { result: generatedToken(name) };
      if (type === "aws:elasticache/replicationGroup:ReplicationGroup") {
        return { primaryEndpointAddress: `master.${String(inputs.replicationGroupId)}.c0ffee.euw1.cache.amazonaws.com` };
      }
      return undefined;
    },
  });
  const { dataProgram } = await import("./program.js");
  const options = new Map<string, pulumi.CustomResourceOptions>();
  let outputs: Record<string, pulumi.Input<unknown>> = {};
  // Run inside a stack so a stack transformation can see each resource's options (protect, provider).
  await pulumi.runtime.runInPulumiStack(() => {
    pulumi.runtime.registerStackTransformation((args) => {
      options.set(`${args.type}::${args.name}`, args.opts);
      return undefined;
    });
    outputs = dataProgram(environment, programOptions);
    return Promise.resolve(undefined);
  });
  await settle(outputs);
  // Let the last registrations (alarms, secret versions) reach the mock monitor.
  await new Promise((resolve) => setTimeout(resolve, 50));
  return { recorder, outputs, options, resources: recorder.resources.filter((r) => r.type !== "pulumi:pulumi:Stack") };
}

/** A copy of an environment with some settings changed (environments are frozen). */
export function withChanges(
  environment: Environment,
  changes: { database?: Partial<Environment["database"]>; cache?: Partial<Environment["cache"]> },
): Environment {
  return {
    ...environment,
    database: { ...environment.database, ...changes.database },
    cache: { ...environment.cache, ...changes.cache },
  };
}

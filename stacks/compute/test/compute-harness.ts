/* eslint-disable @typescript-eslint/no-explicit-any -- recorded mock inputs are untyped JSON; the assertions give them shape. */
/**
 * Runs the compute program on the simulation (@platform/infra/testing) for the tests beside it: feeds the
 * network and data layers' outputs; the computed attributes the program reads (the pushed image's repoDigest,
 * the ALB's ARN suffix, ACM's validation record) come from the one table devctl plan uses too.
 * Nothing here builds an image or reaches AWS: these are the inputs the program sends.
 */
import { loadEnvironment, type Environment, type LoadOptions } from "@platform/infra/environment";
import { FAKE_ACCOUNT_ID, FAKE_NETWORK_OUTPUTS, runLayerProgram, type LayerRun, type RecordedResource } from "@platform/infra/testing";
import type { ComputeProgramOptions } from "../src/program";

const ACCOUNT = FAKE_ACCOUNT_ID;
export const REGISTRY = `${ACCOUNT}.dkr.ecr.eu-west-1.amazonaws.com`;

/** What the network layer answers with. */
export const NETWORK = FAKE_NETWORK_OUTPUTS;

/** What the data layer answers with. */
export const DATA = {
  dbEndpoint: "ledger.c0ffee.eu-west-1.rds.amazonaws.com",
  dbPort: 5432,
  dbName: "ledger",
  dbInstanceIdentifier: "ledger-db",
  dbMasterSecretArn: `arn:aws:secretsmanager:eu-west-1:${ACCOUNT}:secret:rds!db-0123-abcdef`,
  dbAppSecretArn: `arn:aws:secretsmanager:eu-west-1:${ACCOUNT}:secret:staging/release-ledger/db-app-AbCdEf`,
  dbAppUsername: "ledger_app",
  redisEndpoint: "master.ledger.c0ffee.euw1.cache.amazonaws.com",
  redisPort: 6379,
  redisReplicationGroupId: "ledger-cache",
  redisAuthSecretArn: `arn:aws:secretsmanager:eu-west-1:${ACCOUNT}:secret:redis-auth-xyz`,
};

export const TYPES = {
  image: "docker:index/image:Image",
  repository: "aws:ecr/repository:Repository",
  lifecycle: "aws:ecr/lifecyclePolicy:LifecyclePolicy",
  taskDefinition: "aws:ecs/taskDefinition:TaskDefinition",
  service: "aws:ecs/service:Service",
  cluster: "aws:ecs/cluster:Cluster",
  logGroup: "aws:cloudwatch/logGroup:LogGroup",
  alarm: "aws:cloudwatch/metricAlarm:MetricAlarm",
  role: "aws:iam/role:Role",
  rolePolicy: "aws:iam/rolePolicy:RolePolicy",
  attachment: "aws:iam/rolePolicyAttachment:RolePolicyAttachment",
  loadBalancer: "aws:lb/loadBalancer:LoadBalancer",
  targetGroup: "aws:lb/targetGroup:TargetGroup",
  listener: "aws:lb/listener:Listener",
  listenerRule: "aws:lb/listenerRule:ListenerRule",
  certificate: "aws:acm/certificate:Certificate",
  record: "aws:route53/record:Record",
  bucket: "aws:s3/bucket:Bucket",
  bucketPolicy: "aws:s3/bucketPolicy:BucketPolicy",
  bucketEncryption: "aws:s3/bucketServerSideEncryptionConfiguration:BucketServerSideEncryptionConfiguration",
  bucketPublicAccess: "aws:s3/bucketPublicAccessBlock:BucketPublicAccessBlock",
  bucketLifecycle: "aws:s3/bucketLifecycleConfiguration:BucketLifecycleConfiguration",
  scalingTarget: "aws:appautoscaling/target:Target",
  scalingPolicy: "aws:appautoscaling/policy:Policy",
} as const;

export interface ComputeRun extends LayerRun {
  readonly environment: Environment;
  /** The ARN the simulation gave a resource: what other resources receive as its arn. */
  arnOf(resource: RecordedResource): string;
  /** The digest the simulated docker build pushed (sha256:<64 hex>). */
  builtDigest(): string;
}

/** Builds the compute layer for an environment and waits until every resource is registered. */
export async function runComputeProgram(
  environmentName: string,
  programOptions: ComputeProgramOptions = {},
  /** Where the environment file is; default the repository's (a test may point at a scratch copy). */
  loadOptions: LoadOptions = {},
): Promise<ComputeRun> {
  const environment = loadEnvironment(environmentName, loadOptions);
  const run = await runLayerProgram({
    project: "platform-compute",
    stack: environment.name,
    upstream: { network: NETWORK, data: DATA },
    load: async () => {
      const { computeProgram } = await import("../src/program.js");
      return () => computeProgram(environment, programOptions);
    },
  });
  return {
    ...run,
    environment,
    arnOf: (resource) => String(resource.state.arn),
    builtDigest: () => String(run.recorder.one(TYPES.image).state.repoDigest).split("@")[1] ?? "",
  };
}

/** The container definition the task definition sends, parsed. */
export function containerOf(taskDefinition: RecordedResource): Record<string, any> {
  const definitions = JSON.parse(String(taskDefinition.inputs.containerDefinitions)) as Record<string, any>[];
  if (definitions.length !== 1) throw new Error(`expected one container, found ${definitions.length}`);
  return definitions[0]!;
}

/* eslint-disable @typescript-eslint/no-explicit-any -- recorded mock inputs are untyped JSON; the assertions give them shape. */
/**
 * Runs the compute program under Pulumi's mocks for the tests beside it: feeds the network and data
 * layers' outputs, answers the computed attributes the program reads (the pushed image's repoDigest, the
 * ALB's ARN suffix, ACM's validation record), and records every resource with its inputs and options.
 * Nothing here builds an image or reaches AWS: these are the inputs the program sends.
 */
import * as pulumi from "@pulumi/pulumi";
import { loadEnvironment, type Environment, type LoadOptions } from "@platform/infra/environment";
import { installMocks, promiseOf, type MockRecorder, type RecordedResource } from "../../../infra/src/testing/mocks";
import type { ComputeProgramOptions } from "../src/program";

export const ACCOUNT = "123456789012";
export const REGISTRY = `${ACCOUNT}.dkr.ecr.eu-west-1.amazonaws.com`;

/** What the network layer answers with. */
export const NETWORK = {
  vpcId: "vpc-0abc",
  vpcCidr: "10.30.0.0/16",
  publicSubnetIds: ["subnet-pub-a", "subnet-pub-b", "subnet-pub-c"],
  privateSubnetIds: ["subnet-priv-a", "subnet-priv-b", "subnet-priv-c"],
  albSecurityGroupId: "sg-alb",
  serviceSecurityGroupId: "sg-service",
  databaseSecurityGroupId: "sg-database",
  cacheSecurityGroupId: "sg-cache",
  kmsKeyArn: `arn:aws:kms:eu-west-1:${ACCOUNT}:key/network-key`,
  alertTopicArn: `arn:aws:sns:eu-west-1:${ACCOUNT}:platform-alerts`,
};

/** What the data layer answers with. */
export const DATA = {
  dbEndpoint: "ledger.c0ffee.eu-west-1.rds.amazonaws.com",
  dbPort: 5432,
  dbName: "ledger",
  dbInstanceIdentifier: "ledger-db",
  dbMasterSecretArn: `arn:aws:secretsmanager:eu-west-1:${ACCOUNT}:secret:rds!db-0123-abcdef`,
  dbResourceId: "db-ABCDEFGHIJKLMNOPQRSTUVWXY0",
  dbAppUsername: "ledger_app",
  redisEndpoint: "master.ledger.c0ffee.euw1.cache.amazonaws.com",
  redisPort: 6379,
  redisReplicationGroupId: "ledger-cache",
  redisAuthSecretArn: `arn:aws:secretsmanager:eu-west-1:${ACCOUNT}:secret:redis-auth-xyz`,
};

/** The value the mocked RandomPassword generates (the origin-verify header's secret). */
export const ORIGIN_SECRET = "MockOriginSecret0123456789abcdef";

/** The digest the mocked docker build "pushes". */
export const BUILT_DIGEST = `sha256:${"1f".repeat(32)}`;

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

export interface ComputeRun {
  readonly environment: Environment;
  readonly recorder: MockRecorder;
  /** The program's outputs, resolved. */
  readonly outputs: Record<string, unknown>;
  /** Recorded resources except the stack itself. */
  readonly resources: RecordedResource[];
  /** Resource options each resource was constructed with, by `${type}::${name}`. */
  readonly options: ReadonlyMap<string, pulumi.CustomResourceOptions>;
  /** The URN-free ARN the mocks gave a resource: what other resources receive as its arn. */
  arnOf(resource: RecordedResource): string;
}

/** Builds the compute layer for an environment and waits until every resource is registered. */
export async function runComputeProgram(
  environmentName: string,
  programOptions: ComputeProgramOptions = {},
  /** Where the environment file is; default the repository's (a test may point at a scratch copy). */
  loadOptions: LoadOptions = {},
): Promise<ComputeRun> {
  const environment = loadEnvironment(environmentName, loadOptions);
  const recorder = await installMocks({
    project: "platform-compute",
    stack: environment.name,
    upstream: { network: NETWORK, data: DATA },
    state: mockState,
  });
  const { computeProgram } = await import("../src/program.js");
  const options = new Map<string, pulumi.CustomResourceOptions>();
  let program: Record<string, pulumi.Input<unknown>> = {};
  await pulumi.runtime.runInPulumiStack(() => {
    pulumi.runtime.registerStackTransformation((args) => {
      options.set(`${args.type}::${args.name}`, args.opts);
      return undefined;
    });
    program = computeProgram(environment, programOptions);
    return Promise.resolve(undefined);
  });
  const outputs = Object.fromEntries(
    await Promise.all(Object.entries(program).map(async ([key, value]) => [key, await promiseOf(value)] as const)),
  );
  await quiesce(recorder);
  return {
    environment,
    recorder,
    outputs,
    resources: recorder.resources.filter((r) => r.type !== "pulumi:pulumi:Stack"),
    options,
    arnOf: (resource) => `arn:aws:mock:eu-west-1:123456789012:${resource.type.split(":").pop() ?? "resource"}/${resource.name}`,
  };
}

/** Computed attributes AWS (or docker) would return, derived from the inputs like the real thing. */
function mockState(type: string, name: string, inputs: Record<string, unknown>): Record<string, unknown> | undefined {
  switch (type) {
    case TYPES.repository:
      return { repositoryUrl: `${REGISTRY}/${String(inputs.name)}`, registryId: ACCOUNT };
    case TYPES.image: {
      const imageName = String(inputs.imageName);
      return { repoDigest: `${imageName.slice(0, imageName.lastIndexOf(":"))}@${BUILT_DIGEST}` };
    }
    case TYPES.loadBalancer:
      return { arnSuffix: `app/${name}/50dc6c495c0c9188`, dnsName: `${name}-123.eu-west-1.elb.amazonaws.com`, zoneId: "Z32O12XQLNTSW2" };
    case TYPES.targetGroup:
      return { arnSuffix: `targetgroup/${name}/6d0ecf831eec9f09` };
    case TYPES.certificate:
      return {
        domainValidationOptions: [
          {
            domainName: inputs.domainName,
            resourceRecordName: `_a1b2.${String(inputs.domainName)}.`,
            resourceRecordType: "CNAME",
            resourceRecordValue: `_c3d4.${name}.acm-validations.aws.`,
          },
        ],
      };
    case "aws:acm/certificateValidation:CertificateValidation":
      return { certificateArn: inputs.certificateArn };
    case TYPES.record:
      return { fqdn: String(inputs.name).replace(/\.$/, "") };
    case TYPES.bucket:
      return { bucket: `${name}-bucket`, bucketDomainName: `${name}-bucket.s3.amazonaws.com` };
    case "aws:cloudfront/distribution:Distribution":
      return { domainName: `d-${name}.cloudfront.net`, hostedZoneId: "Z2FDTNDATAQYW2" };
    case "random:index/randomPassword:RandomPassword":
      return { result: ORIGIN_SECRET };
    default:
      return undefined;
  }
}

async function quiesce(recorder: MockRecorder): Promise<void> {
  let last = -1;
  while (last !== recorder.resources.length) {
    last = recorder.resources.length;
    await new Promise((resolve) => setTimeout(resolve, 40));
  }
}

/** The container definition the task definition sends, parsed. */
export function containerOf(taskDefinition: RecordedResource): Record<string, any> {
  const definitions = JSON.parse(String(taskDefinition.inputs.containerDefinitions)) as Record<string, any>[];
  if (definitions.length !== 1) throw new Error(`expected one container, found ${definitions.length}`);
  return definitions[0]!;
}

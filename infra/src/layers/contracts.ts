/**
 * The contract between the layers: which Pulumi project each layer is, what it depends on, and the
 * flat, named outputs each one exports. Upstream outputs are read only through these types, so a renamed
 * output breaks the build instead of a deploy.
 */

import type { Input } from "@pulumi/pulumi";

export const LAYERS = ["network", "data", "compute"] as const;
export type Layer = (typeof LAYERS)[number];

/** Pulumi project name of each layer (stacks/<layer>/Pulumi.yaml). */
export const LAYER_PROJECTS: Readonly<Record<Layer, string>> = {
  network: "platform-network",
  data: "platform-data",
  compute: "platform-compute",
};

/** Layers whose outputs each layer reads; deploy order follows from it (network -> data -> compute). */
export const LAYER_UPSTREAMS: Readonly<Record<Layer, readonly Layer[]>> = {
  network: [],
  data: ["network"],
  compute: ["network", "data"],
};

export interface NetworkOutputs {
  vpcId: string;
  vpcCidr: string;
  availabilityZones: string[];
  publicSubnetIds: string[];
  privateSubnetIds: string[];
  /** Subnets with no route to the internet, for the data stores. */
  isolatedSubnetIds: string[];
  albSecurityGroupId: string;
  serviceSecurityGroupId: string;
  databaseSecurityGroupId: string;
  cacheSecurityGroupId: string;
  /** Security group of the interface VPC endpoints (ECR, Logs, Secrets Manager). */
  endpointSecurityGroupId: string;
  /** Customer-managed KMS key (rotation on) for logs, secrets and data at rest. */
  kmsKeyArn: string;
  /** Encrypted SNS topic every alarm notifies. */
  alertTopicArn: string;
  flowLogGroupName: string;
}

export interface DataOutputs {
  /** Host name of the PostgreSQL writer. */
  dbEndpoint: string;
  dbPort: number;
  dbName: string;
  dbInstanceIdentifier: string;
  /** Secrets Manager secret managed by RDS: JSON {username, password}. Only the startup migration uses it. */
  dbMasterSecretArn: string;
  /** The instance's DbiResourceId (db-…): the service's rds-db:connect grant names it. */
  dbResourceId: string;
  /** The service's own login: IAM database authentication, no password. */
  dbAppUsername: string;
  /** Host name of the Redis primary endpoint (TLS). */
  redisEndpoint: string;
  redisPort: number;
  redisReplicationGroupId: string;
  /** Secrets Manager secret holding the Redis AUTH token as a plain string. */
  redisAuthSecretArn: string;
}

/**
 * What kind of alarm it is, which decides how devctl's soak gate reads INSUFFICIENT_DATA:
 * - threshold: a static threshold with treatMissingData set; INSUFFICIENT_DATA means it cannot evaluate at
 *   all (a wrong metric or dimension), which proves nothing: the gate fails.
 * - anomaly: an anomaly-detection band; it reports INSUFFICIENT_DATA while its model trains on a new or quiet
 *   environment (days, not minutes): the gate accepts it. ALARM fails either kind.
 */
export type AlarmKind = "threshold" | "anomaly";

/** One alarm as the soak gate needs it: CloudWatch alarms are regional, so its region travels with its name. */
export interface AlarmRef {
  name: string;
  /** The region the alarm lives in (the CloudFront alarm: us-east-1). */
  region: string;
  kind: AlarmKind;
}

/** Where the service runs (the environment's computePlatform). */
export type ComputePlatform = "ecs" | "eks" | "lambda";

/** What only the lambda platform has: devctl moves the alias between published versions. */
export interface LambdaComputeOutputs {
  functionName: string;
  /** The alias API Gateway invokes. */
  aliasName: string;
  /** The version the alias sends its main share to. */
  liveVersion: string;
  /** The version the last update published (the canary while it differs from liveVersion). */
  publishedVersion: string;
  proxyEndpoint: string;
  apiAccessLogGroupName: string;
}

/**
 * The compute layer's outputs on every platform. What only a load balancer, a cluster or a container image
 * has is null on lambda; `lambda` is null on the others.
 */
export interface ComputeOutputs {
  platform: ComputePlatform;
  /** Public https URL of the service (the environment's domain). */
  serviceUrl: string;
  /** Image deployed, pinned by digest: <repository>@sha256:<64 hex>. Null on lambda (no image). */
  imageRef: string | null;
  /** The deployed artifact's digest, sha256:<64 hex>: the image's, or on lambda the code archive's. */
  imageDigest: string;
  ecrRepositoryUrl: string | null;
  clusterName: string | null;
  /** ECS service, Helm release, or Lambda function. */
  serviceName: string;
  albArn: string | null;
  albDnsName: string | null;
  /** Target groups the deployment shifts traffic between (one for rolling, two for canary/linear; none on lambda). */
  targetGroupArns: string[];
  logGroupName: string;
  cdnDomainName: string;
  dashboardName: string;
  /** Every alarm of the layer with its region and kind; devctl's soak gate checks these stayed OK. */
  alarms: AlarmRef[];
  /** The alarms that roll a deployment back (on lambda: that gate the alias's canary). */
  deploymentAlarmNames: string[];
  lambda: LambdaComputeOutputs | null;
}

export interface LayerOutputMap {
  network: NetworkOutputs;
  data: DataOutputs;
  compute: ComputeOutputs;
}

/** What a layer's program function returns: its flat, named stack outputs. */
export type LayerProgramOutputs<L extends Layer> = { [K in keyof LayerOutputMap[L]]: Input<LayerOutputMap[L][K]> };

/** Each layer's output names, listed once for code that needs them at run time (devctl, plan, tests). */
export const LAYER_OUTPUT_NAMES = {
  network: [
    "vpcId",
    "vpcCidr",
    "availabilityZones",
    "publicSubnetIds",
    "privateSubnetIds",
    "isolatedSubnetIds",
    "albSecurityGroupId",
    "serviceSecurityGroupId",
    "databaseSecurityGroupId",
    "cacheSecurityGroupId",
    "endpointSecurityGroupId",
    "kmsKeyArn",
    "alertTopicArn",
    "flowLogGroupName",
  ],
  data: [
    "dbEndpoint",
    "dbPort",
    "dbName",
    "dbInstanceIdentifier",
    "dbMasterSecretArn",
    "dbResourceId",
    "dbAppUsername",
    "redisEndpoint",
    "redisPort",
    "redisReplicationGroupId",
    "redisAuthSecretArn",
  ],
  compute: [
    "platform",
    "serviceUrl",
    "imageRef",
    "imageDigest",
    "ecrRepositoryUrl",
    "clusterName",
    "serviceName",
    "albArn",
    "albDnsName",
    "targetGroupArns",
    "logGroupName",
    "cdnDomainName",
    "dashboardName",
    "alarms",
    "deploymentAlarmNames",
    "lambda",
  ],
} as const satisfies { [L in Layer]: readonly (keyof LayerOutputMap[L])[] };

// Compile-time check that every interface field is listed above (and nothing else).
type Missing<L extends Layer> = Exclude<keyof LayerOutputMap[L], (typeof LAYER_OUTPUT_NAMES)[L][number]>;
const allListed: { [L in Layer]: Missing<L> extends never ? true : Missing<L> } = {
  network: true,
  data: true,
  compute: true,
};
void allListed;

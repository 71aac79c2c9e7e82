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

export interface ComputeOutputs {
  /** Public https URL of the service (the environment's domain). */
  serviceUrl: string;
  /** Image deployed, pinned by digest: <repository>@sha256:<64 hex>. */
  imageRef: string;
  /** The digest alone: sha256:<64 hex>. */
  imageDigest: string;
  ecrRepositoryUrl: string;
  clusterName: string;
  serviceName: string;
  albArn: string;
  albDnsName: string;
  /** Target groups the deployment shifts traffic between (one for rolling, two for canary/linear). */
  targetGroupArns: string[];
  logGroupName: string;
  cdnDomainName: string;
  dashboardName: string;
  /** Every alarm of the layer with its region and kind; devctl's soak gate checks these stayed OK. */
  alarms: AlarmRef[];
  /** The alarms that roll a deployment back. */
  deploymentAlarmNames: string[];
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

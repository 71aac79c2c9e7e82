import * as aws from "@pulumi/aws";
import * as pulumi from "@pulumi/pulumi";
import * as random from "@pulumi/random";
import { cacheAlarmSpecs } from "./alarm-specs";
import { redisParameterFamily } from "./engine-versions";
import { DATA_WINDOWS, validateDataWindows } from "./maintenance-windows";
import { createDataAlarms } from "./metric-alarms";
import { cacheMemberClusterIds } from "./naming";
import { cacheTopology } from "./sizing";
import type { Environment } from "../environment/environment";

/** Tag on a secret with no DR replica, saying the recovery environment recreates it. */
export const DISASTER_RECOVERY_TAG = "DisasterRecovery";

/** Redis's settings: an environment's `cache` block, documented there. */
export type CacheSettings = Environment["cache"];

export interface CacheArgs {
  /** Sizing, usually `environment.cache`. */
  readonly settings: CacheSettings;
  /** Replication group id (at most 40 characters); nodes are `${id}-001`, `${id}-002`, ... */
  readonly replicationGroupId: string;
  /** Snapshot taken when the replication group is deleted; empty = none (a restore drill's cache). */
  readonly finalSnapshotName: string;
  /** Subnets with no route to the internet. */
  readonly subnetIds: pulumi.Input<pulumi.Input<string>[]>;
  /** Security group that admits only the service on 6379. */
  readonly securityGroupId: pulumi.Input<string>;
  /** Customer-managed KMS key for data at rest and the AUTH token secret. */
  readonly kmsKeyArn: pulumi.Input<string>;
  /** What Redis drops when memory is full. Default "volatile-lru": only keys with a TTL, never counters or locks. */
  readonly maxmemoryPolicy?: string;
  /** SNS topic every alarm notifies. */
  readonly alertTopicArn: pulumi.Input<string>;
  /** Tags on every taggable resource. */
  readonly tags: Record<string, string>;
  /**
   * The environment is prepared for a DR restore: the AUTH secret is then tagged DisasterRecovery=recreated,
   * saying why it has no DR replica (a recovery environment starts an empty Redis with a new token). Default: false.
   */
  readonly recreatedInRecovery?: boolean;
}

/** Redis port; ElastiCache's default, named once. */
export const REDIS_PORT = 6379;

/**
 * The platform's Redis: a single-shard ElastiCache replication group, encrypted at rest and in transit,
 * guarded by an AUTH token generated at deploy time and kept in Secrets Manager, with daily snapshots and alarms.
 */
export class Cache extends pulumi.ComponentResource {
  readonly replicationGroup: aws.elasticache.ReplicationGroup;
  /** Host name of the primary endpoint (TLS). */
  readonly primaryEndpoint: pulumi.Output<string>;
  readonly port: pulumi.Output<number>;
  readonly replicationGroupId: pulumi.Output<string>;
  /** Secrets Manager secret whose string is the AUTH token. */
  readonly authSecretArn: pulumi.Output<string>;
  /** The AUTH token itself (secret). */
  readonly authToken: pulumi.Output<string>;
  readonly alarms: aws.cloudwatch.MetricAlarm[];

  constructor(name: string, args: CacheArgs, opts?: pulumi.ComponentResourceOptions) {
    // Checked before super(): a refused cache must not leave a half-registered component behind.
    const s = args.settings;
    const topology = cacheTopology(s.replicaCount);
    if (!Number.isInteger(s.snapshotRetentionDays) || s.snapshotRetentionDays < 0 || s.snapshotRetentionDays > 35) {
      throw new Error(`Cache ${name}: snapshotRetentionDays must be 0-35; got ${s.snapshotRetentionDays} (set redisSnapshotRetentionDays).`);
    }
    const windows = validateDataWindows(DATA_WINDOWS);
    const family = redisParameterFamily(s.engineVersion);
    const memberClusterIds = cacheMemberClusterIds(args.replicationGroupId, topology.numCacheClusters);
    super("platform:data:Cache", name, {}, opts);
    const tags = args.tags;

    // ElastiCache accepts 16-128 printable characters without @, ", / and spaces: letters and digits only
    // keep clear of every forbidden character and of quoting trouble in connection strings.
    const token = new random.RandomPassword(`${name}-auth-token`, { length: 64, special: false }, { parent: this });
    this.authToken = pulumi.secret(token.result);

    const secret = new aws.secretsmanager.Secret(
      `${name}-auth`,
      {
        description: `Redis AUTH token of ${args.replicationGroupId}`,
        kmsKeyId: args.kmsKeyArn,
        tags: args.recreatedInRecovery ? { ...tags, [DISASTER_RECOVERY_TAG]: "recreated" } : tags,
      },
      { parent: this },
    );
    new aws.secretsmanager.SecretVersion(`${name}-auth`, { secretId: secret.id, secretString: token.result }, { parent: this });

    const subnetGroup = new aws.elasticache.SubnetGroup(
      `${name}-subnets`,
      { description: `Isolated subnets of ${args.replicationGroupId}`, subnetIds: args.subnetIds, tags },
      { parent: this },
    );

    const parameterGroup = new aws.elasticache.ParameterGroup(
      `${name}-params`,
      {
        family,
        description: `${args.replicationGroupId}: explicit eviction policy`,
        parameters: [{ name: "maxmemory-policy", value: args.maxmemoryPolicy ?? "volatile-lru" }],
        tags,
      },
      { parent: this },
    );

    this.replicationGroup = new aws.elasticache.ReplicationGroup(
      name,
      {
        replicationGroupId: args.replicationGroupId,
        description: `Redis of ${args.replicationGroupId}`,
        engine: "redis",
        engineVersion: s.engineVersion,
        nodeType: s.nodeType,
        numCacheClusters: topology.numCacheClusters,
        automaticFailoverEnabled: topology.automaticFailoverEnabled,
        multiAzEnabled: topology.multiAzEnabled,
        port: REDIS_PORT,
        parameterGroupName: parameterGroup.name,
        subnetGroupName: subnetGroup.name,
        securityGroupIds: [args.securityGroupId],
        atRestEncryptionEnabled: true,
        kmsKeyId: args.kmsKeyArn,
        transitEncryptionEnabled: true,
        // Redis 6 knows only "TLS on"; 7 can also be told to refuse plain-text clients outright.
        transitEncryptionMode: family === "redis6.x" ? undefined : "required",
        authToken: token.result,
        autoMinorVersionUpgrade: true,
        snapshotRetentionLimit: s.snapshotRetentionDays,
        snapshotWindow: windows.cacheSnapshotWindow,
        maintenanceWindow: windows.cacheMaintenanceWindow,
        // A drill's empty cache leaves no snapshot behind (the next drill would collide with its name).
        ...(args.finalSnapshotName === "" ? {} : { finalSnapshotIdentifier: args.finalSnapshotName }),
        tags,
      },
      { parent: this },
    );

    this.primaryEndpoint = this.replicationGroup.primaryEndpointAddress;
    this.port = this.replicationGroup.port.apply((port) => port ?? REDIS_PORT);
    this.replicationGroupId = this.replicationGroup.replicationGroupId;
    this.authSecretArn = secret.arn;

    this.alarms = createDataAlarms(
      cacheAlarmSpecs(),
      {
        component: name,
        alarmNamePrefix: `${args.replicationGroupId}-redis`,
        dimension: { name: "CacheClusterId", values: memberClusterIds },
        combineNodes: true,
        alertTopicArn: args.alertTopicArn,
        tags,
      },
      this,
    );

    this.registerOutputs({
      primaryEndpoint: this.primaryEndpoint,
      port: this.port,
      replicationGroupId: this.replicationGroupId,
      authSecretArn: this.authSecretArn,
      authToken: this.authToken,
      alarmNames: this.alarms.map((a) => a.name),
    });
  }
}

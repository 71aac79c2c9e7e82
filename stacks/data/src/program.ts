import { APP_DB_USERNAME, awsProvider, Cache, Database, dataStoreNames, monitoringIntervalSeconds, readUpstream, type DatabaseRestore } from "@platform/infra";
import { type Environment } from "@platform/infra/environment";
import { layerTags, type LayerProgramOutputs } from "@platform/infra/layers";

/**
 * The data layer: PostgreSQL and Redis in the network's isolated subnets, encrypted with its KMS key, alarming
 * to its alert topic. Production also copies the database's automated backups to the DR region.
 */
export interface DataProgramOptions {
  /**
   * Where a recovery environment's database comes from: stack config platform-data:restoreFrom (the replicated
   * automated-backups ARN) and platform-data:restoreTime (ISO-8601; unset = latest), set by `devctl dr restore`.
   */
  readonly restore?: DatabaseRestore | undefined;
  /** A restore drill (platform-data:disposable, set by `devctl dr drill`): the copy is destroyed afterwards. */
  readonly disposable?: boolean | undefined;
}

export function dataProgram(environment: Environment, options: DataProgramOptions = {}): LayerProgramOutputs<"data"> {
  const restore = recoveryRestore(environment, options.restore);
  const provider = awsProvider(environment);
  const drProvider = environment.database.replicateBackupsToDr ? awsProvider(environment, "aws-dr", environment.drRegion) : undefined;
  const network = readUpstream("network", environment.name).outputs;
  const names = dataStoreNames(environment.name);
  const tags = layerTags(environment, "data");

  const database = new Database(
    "postgres",
    {
      settings: environment.database,
      production: environment.isProduction,
      identifier: names.dbInstanceIdentifier,
      finalSnapshotIdentifier: names.dbFinalSnapshotIdentifier,
      subnetIds: network.isolatedSubnetIds,
      securityGroupId: network.databaseSecurityGroupId,
      kmsKeyArn: network.kmsKeyArn,
      monitoringIntervalSeconds: monitoringIntervalSeconds(environment.isProduction),
      logRetentionDays: environment.logRetentionDays,
      drProvider,
      alertTopicArn: network.alertTopicArn,
      restore,
      disposable: options.disposable === true,
      region: environment.awsRegion,
      tags,
    },
    { providers: { aws: provider } },
  );

  const cache = new Cache(
    "redis",
    {
      settings: environment.cache,
      replicationGroupId: names.redisReplicationGroupId,
      finalSnapshotName: options.disposable === true ? "" : names.redisFinalSnapshotName,
      subnetIds: network.isolatedSubnetIds,
      securityGroupId: network.cacheSecurityGroupId,
      kmsKeyArn: network.kmsKeyArn,
      alertTopicArn: network.alertTopicArn,
      tags,
      recreatedInRecovery: environment.recovery.prepared,
    },
    { providers: { aws: provider } },
  );

  return {
    dbEndpoint: database.address,
    dbPort: database.port,
    dbName: database.dbName,
    dbInstanceIdentifier: database.identifier,
    dbMasterSecretArn: database.masterSecretArn,
    dbResourceId: database.resourceId,
    dbAppUsername: APP_DB_USERNAME,
    redisEndpoint: cache.primaryEndpoint,
    redisPort: cache.port,
    redisReplicationGroupId: cache.replicationGroupId,
    redisAuthSecretArn: cache.authSecretArn,
  };
}

/** A recovery environment's database is always restored, and nothing else's ever is (never over a live one). */
function recoveryRestore(environment: Environment, restore: DatabaseRestore | undefined): DatabaseRestore | undefined {
  if (environment.recovery.of !== undefined && restore === undefined) {
    throw new Error(
      `${environment.name} is the recovery environment of ${environment.recovery.of}: its database is restored, not created. ` +
        `Run \`devctl dr restore ${environment.recovery.of}\` (it sets platform-data:restoreFrom).`,
    );
  }
  if (environment.recovery.of === undefined && restore !== undefined) {
    throw new Error(
      `${environment.name} is not a recovery environment; platform-data:restoreFrom is only for <env>-dr stacks. Remove it from the ${environment.name} stack's config.`,
    );
  }
  return restore;
}

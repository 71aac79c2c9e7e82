/**
 * Names AWS sees for the data stores. The Pulumi logical names never change; these physical names are
 * derived from the environment name only (never from a size or count in the environment file), so an
 * operator and the runbooks can always find `ledger-<env>` without reading Pulumi state.
 */

/** Application the data stores belong to: database name and identifier prefix. */
export const APPLICATION = "ledger";

/**
 * The service's own PostgreSQL login. The startup migration creates it (in rds_iam, without a password); the
 * compute layer's roles may sign in as exactly this user.
 */
export const APP_DB_USERNAME = "ledger_app";

export interface DataStoreNames {
  /** RDS DB instance identifier (1-63 chars, lower-case letters, digits, single hyphens). */
  readonly dbInstanceIdentifier: string;
  /** Snapshot RDS takes when the instance is deleted. */
  readonly dbFinalSnapshotIdentifier: string;
  /** ElastiCache replication group id (1-40 chars, same alphabet). */
  readonly redisReplicationGroupId: string;
  /** Snapshot ElastiCache takes when the replication group is deleted. */
  readonly redisFinalSnapshotName: string;
}

const IDENTIFIER = /^[a-z](?:[a-z0-9]|-(?!-))*[a-z0-9]$/;

/** Physical names of the data stores of an environment; throws naming the environment if they would be invalid. */
export function dataStoreNames(environmentName: string): DataStoreNames {
  const base = `${APPLICATION}-${environmentName}`;
  const names: DataStoreNames = {
    dbInstanceIdentifier: base,
    dbFinalSnapshotIdentifier: `${base}-final`,
    redisReplicationGroupId: base,
    redisFinalSnapshotName: `${base}-final`,
  };
  const limits: Record<keyof DataStoreNames, number> = {
    dbInstanceIdentifier: 63,
    dbFinalSnapshotIdentifier: 255,
    redisReplicationGroupId: 40,
    redisFinalSnapshotName: 255,
  };
  for (const [key, value] of Object.entries(names) as [keyof DataStoreNames, string][]) {
    if (!IDENTIFIER.test(value) || value.length > limits[key]) {
      throw new Error(
        `Environment name "${environmentName}" gives the invalid ${key} "${value}": it must be at most ${limits[key]} ` +
          `characters of lower-case letters, digits and single hyphens, start with a letter and not end with a hyphen. ` +
          `Rename the environment (Pulumi.<env>.yaml) to a short lower-case name such as "staging".`,
      );
    }
  }
  return names;
}

/** ElastiCache names the nodes of a cluster-mode-disabled replication group <id>-001, <id>-002, ... */
export function cacheMemberClusterIds(replicationGroupId: string, numCacheClusters: number): string[] {
  if (!Number.isInteger(numCacheClusters) || numCacheClusters < 1 || numCacheClusters > 6) {
    throw new Error(`numCacheClusters must be an integer from 1 to 6 (a primary and up to 5 replicas); got ${numCacheClusters}.`);
  }
  return Array.from({ length: numCacheClusters }, (_, i) => `${replicationGroupId}-${String(i + 1).padStart(3, "0")}`);
}

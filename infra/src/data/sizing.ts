/**
 * Sizing rules for the data tier as pure functions: memory and connection limits that follow from an
 * instance class, cache topology that follows from the replica count, and the settings RPO/RTO need.
 */
import { inRange, MIN_PRODUCTION_BACKUP_RETENTION_DAYS, productionDatabaseShortfalls, SETTING_RANGES } from "../environment/rules";

const GIB = 1024 ** 3;

/** Memory per vCPU (GiB) of the RDS instance families the platform sizes alarms for. */
const GIB_PER_VCPU: Readonly<Record<string, number>> = { t: 4, m: 4, r: 8, x: 16 };
/** Burstable classes below "large" do not follow the per-vCPU rule. */
const SMALL_BURSTABLE_GIB: Readonly<Record<string, number>> = { micro: 1, small: 2, medium: 4 };

/** Nominal memory of an RDS instance class, e.g. db.t4g.micro = 1 GiB, db.r6g.large = 16 GiB. */
export function instanceClassMemoryGiB(instanceClass: string): number {
  const match = /^db\.([a-z])\d+[a-z-]*\.(micro|small|medium|large|(\d*)xlarge)$/.exec(instanceClass);
  const family = match?.[1];
  const size = match?.[2];
  const perVcpu = family === undefined ? undefined : GIB_PER_VCPU[family];
  if (!match || family === undefined || size === undefined || perVcpu === undefined) {
    throw new Error(
      `dbInstanceClass "${instanceClass}": cannot size the database alarms for it. Use a db.t*, db.m*, db.r* or db.x* ` +
        `class such as db.t4g.micro or db.r6g.large.`,
    );
  }
  if (size in SMALL_BURSTABLE_GIB) {
    if (family !== "t") throw new Error(`dbInstanceClass "${instanceClass}": size ${size} exists only for burstable db.t* classes.`);
    return SMALL_BURSTABLE_GIB[size]!;
  }
  const vcpus = size === "large" ? 2 : 4 * Number(match[3] || 1);
  return vcpus * perVcpu;
}

/**
 * A conservative estimate of RDS PostgreSQL's default max_connections, LEAST(DBInstanceClassMemory/9531392, 5000).
 * DBInstanceClassMemory is the class's memory minus what the OS and RDS keep (about a quarter on the smallest
 * classes, less on large ones); assuming 75 % errs on the low side, so an alarm set from it fires early, not late.
 */
export function estimatedMaxConnections(instanceClass: string): number {
  const usable = instanceClassMemoryGiB(instanceClass) * GIB * 0.75;
  return Math.min(Math.floor(usable / 9_531_392), 5000);
}

export interface DatabaseAlarmThresholds {
  /** CPUUtilization (%) averaged over the evaluation periods. */
  readonly cpuPercent: number;
  /** FreeStorageSpace (bytes) below which storage autoscaling is no longer keeping up or has hit its ceiling. */
  readonly freeStorageBytes: number;
  /** DatabaseConnections above which new connections are close to being refused. */
  readonly connections: number;
  /**
   * TransactionLogsDiskUsage (bytes) above which WAL is piling up on the instance. RDS ships WAL to S3 every
   * 5 minutes for point-in-time recovery; while it does, WAL stays near max_wal_size (2 GiB by default). WAL that
   * keeps growing means archiving (our RPO) has stalled or a replication slot holds it.
   */
  readonly transactionLogsBytes: number;
}

export interface DatabaseSizing {
  readonly instanceClass: string;
  readonly allocatedStorageGb: number;
}

/**
 * Alarm thresholds for a database size. Free storage alarms at 5 % of the initial allocation (at least 1 GiB):
 * autoscaling adds storage at 10 % free, so the alarm only fires when autoscaling cannot help (cool-down, or the
 * ceiling dbMaxAllocatedStorageGb is reached).
 */
export function databaseAlarmThresholds(database: DatabaseSizing): DatabaseAlarmThresholds {
  return {
    cpuPercent: 80,
    freeStorageBytes: Math.max(1, Math.floor(database.allocatedStorageGb * 0.05)) * GIB,
    connections: Math.floor(estimatedMaxConnections(database.instanceClass) * 0.8),
    transactionLogsBytes: 4 * GIB,
  };
}

export interface CacheTopology {
  /** Nodes in the (single-shard) replication group: the primary plus its replicas. */
  readonly numCacheClusters: number;
  readonly automaticFailoverEnabled: boolean;
  readonly multiAzEnabled: boolean;
}

/** Redis topology from the replica count: failover and Multi-AZ need at least one replica. */
export function cacheTopology(replicaCount: number): CacheTopology {
  const range = SETTING_RANGES.redisReplicaCount;
  if (!inRange(replicaCount, range)) {
    throw new Error(`redisReplicaCount must be an integer from ${range.min} to ${range.max}; got ${replicaCount}.`);
  }
  const replicated = replicaCount >= 1;
  return { numCacheClusters: 1 + replicaCount, automaticFailoverEnabled: replicated, multiAzEnabled: replicated };
}

export interface DatabaseProtection {
  readonly multiAz: boolean;
  readonly deletionProtection: boolean;
  readonly backupRetentionDays: number;
  readonly replicateBackupsToDr: boolean;
}

/** Shortest backup retention that still lets the DR region restore to a point a week back. */
export const MIN_DR_BACKUP_RETENTION_DAYS = 7;

/**
 * Checks that a database's settings can keep the platform's promise (RPO 15 min, RTO 1 h) and returns the
 * problems in words; the Database component refuses to build a production database with any.
 */
export function recoveryObjectiveProblems(
  settings: DatabaseProtection,
  production: boolean,
  /** A database restored from the DR copy (a recovery environment): it is the copy, and replicates nothing. */
  options: { readonly restoredCopy?: boolean } = {},
): string[] {
  const problems: string[] = [];
  const retention = SETTING_RANGES.dbBackupRetentionDays;
  if (!inRange(settings.backupRetentionDays, retention)) {
    problems.push(
      `backup retention ${settings.backupRetentionDays} days: RDS keeps ${retention.min}-${retention.max} days, and 0 would turn point-in-time recovery off (set dbBackupRetentionDays).`,
    );
  }
  const drBackupsTooShort = settings.replicateBackupsToDr && settings.backupRetentionDays < MIN_DR_BACKUP_RETENTION_DAYS;
  if (drBackupsTooShort) {
    problems.push(
      `backups replicated to the DR region are kept ${settings.backupRetentionDays} days; keep at least ${MIN_DR_BACKUP_RETENTION_DAYS} (set dbBackupRetentionDays).`,
    );
  }
  if (production) {
    for (const shortfall of productionDatabaseShortfalls(settings)) {
      if (shortfall === "multiAz") problems.push("production needs a Multi-AZ database to fail over within minutes (set dbMultiAz: true).");
      if (shortfall === "deletionProtection") problems.push("production needs deletion protection (set dbDeletionProtection: true).");
      // Said once: the DR check above already asks for the same week.
      if (shortfall === "backupRetention" && !drBackupsTooShort) {
        problems.push(`production keeps backups at least ${MIN_PRODUCTION_BACKUP_RETENTION_DAYS} days (set dbBackupRetentionDays).`);
      }
    }
    if (!settings.replicateBackupsToDr && options.restoredCopy !== true) {
      problems.push("production needs backups replicated to the DR region for RPO 15 min / RTO 1 h (set dbReplicateBackupsToDr: true).");
    }
  }
  return problems;
}

/** Enhanced monitoring granularity: 15 s in production (short incidents show), 60 s elsewhere (cost). */
export function monitoringIntervalSeconds(production: boolean): 15 | 60 {
  return production ? 15 : 60;
}

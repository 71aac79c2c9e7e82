/**
 * What the data tier alarms on, as data: one spec per alarm, with its runbook entry. The components turn
 * the specs into CloudWatch alarms; keeping them pure lets the thresholds be tested per size.
 */
import type { RunbookKey } from "../observability/runbooks";
import { databaseAlarmThresholds, type DatabaseSizing } from "./sizing";

export interface DataAlarmSpec {
  /** Suffix of the alarm's logical name: `${component}-${role}`; stable, never derived from a setting. */
  readonly role: string;
  readonly runbook: RunbookKey;
  /** First sentence of the alarm description. */
  readonly summary: string;
  readonly namespace: "AWS/RDS" | "AWS/ElastiCache";
  readonly metricName: string;
  readonly statistic: "Average" | "Maximum" | "Minimum" | "Sum";
  /** How a metric from several nodes is combined (cache: one metric per node). */
  readonly acrossNodes: "MAX" | "SUM";
  readonly comparisonOperator: "GreaterThanThreshold" | "LessThanThreshold";
  readonly threshold: number;
  readonly periodSeconds: number;
  readonly evaluationPeriods: number;
  readonly datapointsToAlarm: number;
  readonly treatMissingData: "missing" | "breaching" | "notBreaching";
}

export interface DatabaseAlarmOptions extends DatabaseSizing {
  /** Whether the instance has a read replica (only then does RDS publish ReplicaLag). */
  readonly hasReadReplica?: boolean;
  /** ReplicaLag (seconds) that fires db-replica-lag-high; default 300 (a third of the 15-minute RPO). */
  readonly replicaLagSeconds?: number;
}

const GIB = 1024 ** 3;

/** The PostgreSQL alarms for a database size. */
export function databaseAlarmSpecs(options: DatabaseAlarmOptions): DataAlarmSpec[] {
  const t = databaseAlarmThresholds(options);
  const base = { namespace: "AWS/RDS", acrossNodes: "MAX", periodSeconds: 300 } as const;
  const specs: DataAlarmSpec[] = [
    {
      ...base,
      role: "cpu-high",
      runbook: "db-cpu-high",
      summary: `PostgreSQL CPU above ${t.cpuPercent}% for 15 minutes.`,
      metricName: "CPUUtilization",
      statistic: "Average",
      comparisonOperator: "GreaterThanThreshold",
      threshold: t.cpuPercent,
      evaluationPeriods: 3,
      datapointsToAlarm: 3,
      treatMissingData: "missing",
    },
    {
      ...base,
      role: "free-storage-low",
      runbook: "db-free-storage-low",
      summary: `PostgreSQL free storage below ${(t.freeStorageBytes / GIB).toFixed(0)} GiB; storage autoscaling is not keeping up or reached its ceiling.`,
      metricName: "FreeStorageSpace",
      statistic: "Minimum",
      comparisonOperator: "LessThanThreshold",
      threshold: t.freeStorageBytes,
      evaluationPeriods: 1,
      datapointsToAlarm: 1,
      treatMissingData: "missing",
    },
    {
      ...base,
      role: "connections-high",
      runbook: "db-connections-high",
      summary: `PostgreSQL connections above ${t.connections} (80% of the estimated max_connections for ${options.instanceClass}).`,
      metricName: "DatabaseConnections",
      statistic: "Maximum",
      comparisonOperator: "GreaterThanThreshold",
      threshold: t.connections,
      evaluationPeriods: 3,
      datapointsToAlarm: 2,
      treatMissingData: "missing",
    },
    {
      ...base,
      role: "backup-stale",
      runbook: "db-backup-stale",
      summary:
        `PostgreSQL transaction logs on the instance above ${(t.transactionLogsBytes / GIB).toFixed(0)} GiB: WAL is not being ` +
        `archived for point-in-time recovery (RPO 15 min at risk) or a replication slot is holding it.`,
      metricName: "TransactionLogsDiskUsage",
      statistic: "Maximum",
      comparisonOperator: "GreaterThanThreshold",
      threshold: t.transactionLogsBytes,
      evaluationPeriods: 3,
      datapointsToAlarm: 3,
      treatMissingData: "missing",
    },
  ];
  if (options.hasReadReplica) {
    const lag = options.replicaLagSeconds ?? 300;
    specs.push({
      ...base,
      role: "replica-lag-high",
      runbook: "db-replica-lag-high",
      summary: `PostgreSQL read replica more than ${lag} s behind the writer.`,
      metricName: "ReplicaLag",
      statistic: "Maximum",
      comparisonOperator: "GreaterThanThreshold",
      threshold: lag,
      evaluationPeriods: 3,
      datapointsToAlarm: 3,
      treatMissingData: "missing",
    });
  }
  return specs;
}

/** The Redis alarms; each combines the metric of every node (MAX, or SUM for evictions). */
export function cacheAlarmSpecs(): DataAlarmSpec[] {
  const base = { namespace: "AWS/ElastiCache", periodSeconds: 300, treatMissingData: "missing" } as const;
  return [
    {
      ...base,
      role: "cpu-high",
      runbook: "cache-cpu-high",
      summary: "Redis engine CPU above 80% on a node for 15 minutes (Redis runs commands on one thread).",
      metricName: "EngineCPUUtilization",
      statistic: "Average",
      acrossNodes: "MAX",
      comparisonOperator: "GreaterThanThreshold",
      threshold: 80,
      evaluationPeriods: 3,
      datapointsToAlarm: 3,
    },
    {
      ...base,
      role: "memory-high",
      runbook: "cache-memory-high",
      summary: "Redis memory above 80% of maxmemory on a node; evictions follow.",
      metricName: "DatabaseMemoryUsagePercentage",
      statistic: "Maximum",
      acrossNodes: "MAX",
      comparisonOperator: "GreaterThanThreshold",
      threshold: 80,
      evaluationPeriods: 3,
      datapointsToAlarm: 2,
    },
    {
      ...base,
      role: "evictions",
      runbook: "cache-evictions",
      summary: "Redis is evicting keys for lack of memory in 2 of the last 3 five-minute periods.",
      metricName: "Evictions",
      statistic: "Sum",
      acrossNodes: "SUM",
      comparisonOperator: "GreaterThanThreshold",
      threshold: 0,
      evaluationPeriods: 3,
      datapointsToAlarm: 2,
    },
  ];
}

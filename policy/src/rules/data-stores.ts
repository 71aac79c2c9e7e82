import { MIN_PRODUCTION_BACKUP_RETENTION_DAYS, productionDatabaseShortfalls } from "@platform/infra/environment";
import type { ResourceRule } from "./types";
import { asArray, asNumber, asRecord, isTrue } from "./values";

const RDS_INSTANCE = "aws:rds/instance:Instance";
const RDS_CLUSTER = "aws:rds/cluster:Cluster";
const RDS_PARAMETER_GROUP = "aws:rds/parameterGroup:ParameterGroup";
const RDS_CLUSTER_PARAMETER_GROUP = "aws:rds/clusterParameterGroup:ClusterParameterGroup";
const REDIS_GROUP = "aws:elasticache/replicationGroup:ReplicationGroup";

const isPostgres = (engine: unknown): boolean => typeof engine === "string" && engine.includes("postgres");

/** Data at rest is encrypted: RDS storage, ElastiCache at rest and in transit. */
export const dataStoreEncryption: ResourceRule = {
  kind: "resource",
  name: "data-store-encryption",
  description: "Databases and caches encrypt data at rest and in transit.",
  level: "mandatory",
  types: [RDS_INSTANCE, RDS_CLUSTER, REDIS_GROUP],
  validate({ type, props }) {
    if (type === REDIS_GROUP) {
      return [
        ...(isTrue(props.atRestEncryptionEnabled) ? [] : ["ElastiCache replication group must set atRestEncryptionEnabled: true"]),
        ...(isTrue(props.transitEncryptionEnabled) ? [] : ["ElastiCache replication group must set transitEncryptionEnabled: true (TLS)"]),
      ];
    }
    return isTrue(props.storageEncrypted) ? [] : ["RDS storage must be encrypted (storageEncrypted: true)"];
  },
};

/** A database is reachable only from inside the VPC. */
export const dataStorePrivate: ResourceRule = {
  kind: "resource",
  name: "data-store-private",
  description: "Databases are never publicly accessible.",
  level: "mandatory",
  types: [RDS_INSTANCE, RDS_CLUSTER],
  validate({ props }) {
    return isTrue(props.publiclyAccessible) ? ["RDS must not be publicly accessible (publiclyAccessible: false)"] : [];
  },
};

/**
 * PostgreSQL refuses unencrypted connections: its parameter group sets rds.force_ssl = 1, and the instance
 * uses its own parameter group (the AWS default group cannot be changed).
 */
export const databaseForceSsl: ResourceRule = {
  kind: "resource",
  name: "database-force-ssl",
  description: "PostgreSQL accepts only TLS connections (rds.force_ssl = 1 in its own parameter group).",
  level: "mandatory",
  types: [RDS_INSTANCE, RDS_PARAMETER_GROUP, RDS_CLUSTER_PARAMETER_GROUP],
  validate({ type, props }) {
    if (type === RDS_INSTANCE) {
      if (!isPostgres(props.engine)) return [];
      const group = props.parameterGroupName;
      if (group === undefined || (typeof group === "string" && group.startsWith("default."))) {
        return ["PostgreSQL instance must use its own parameter group with rds.force_ssl = 1 (set parameterGroupName)"];
      }
      return [];
    }
    if (typeof props.family === "string" && !props.family.includes("postgres")) return [];
    const forced = asArray(props.parameters)
      .map(asRecord)
      .some((p) => p?.name === "rds.force_ssl" && String(p.value) === "1");
    return forced ? [] : ["PostgreSQL parameter group must set rds.force_ssl = 1"];
  },
};

/** Production data survives an AZ loss, a mistaken delete and a bad week. */
export const productionDatabaseResilience: ResourceRule = {
  kind: "resource",
  name: "prod-database-resilience",
  description: `In production the database is Multi-AZ, has deletion protection and keeps backups at least ${MIN_PRODUCTION_BACKUP_RETENTION_DAYS} days.`,
  level: "mandatory",
  types: [RDS_INSTANCE, RDS_CLUSTER],
  validate({ type, props }, environment) {
    if (!environment.isProduction) return [];
    // A read replica inherits backups and protection from its source.
    if (type === RDS_INSTANCE && props.replicateSourceDb !== undefined) return [];
    // A restore drill's copy (devctl dr drill) exists to be destroyed when the drill ends.
    if (type === RDS_INSTANCE && props.restoreToPointInTime !== undefined && asRecord(props.tags)?.DisasterRecovery === "drill") return [];
    const retention = asNumber(props.backupRetentionPeriod);
    const shortfalls = productionDatabaseShortfalls({
      // An Aurora cluster has no multiAz switch: its storage spans three AZs by itself.
      multiAz: type === RDS_CLUSTER || isTrue(props.multiAz),
      deletionProtection: isTrue(props.deletionProtection),
      backupRetentionDays: retention,
    });
    return shortfalls.map((shortfall) => {
      switch (shortfall) {
        case "multiAz":
          return "production database must be Multi-AZ (multiAz: true)";
        case "deletionProtection":
          return "production database must have deletionProtection: true";
        case "backupRetention":
          return `production database must keep backups at least ${MIN_PRODUCTION_BACKUP_RETENTION_DAYS} days (backupRetentionPeriod is ${retention ?? "unset"})`;
      }
    });
  },
};

export { cacheAlarmSpecs, databaseAlarmSpecs, type DataAlarmSpec, type DatabaseAlarmOptions } from "./alarm-specs";
export { Cache, REDIS_PORT, type CacheArgs, type CacheSettings } from "./cache";
export { Database, POSTGRES_LOG_EXPORTS, type DatabaseArgs, type DatabaseSettings } from "./database";
export { managedMasterSecretArn } from "./master-secret";
export { postgresMajorVersion, postgresParameterFamily, redisParameterFamily } from "./engine-versions";
export { DATA_WINDOWS, dailyOverlapsWeekly, validateDataWindows, type DataWindows } from "./maintenance-windows";
export { createDataAlarms, type DataAlarmTarget } from "./metric-alarms";
export { APP_DB_USERNAME, APPLICATION, cacheMemberClusterIds, dataStoreNames, type DataStoreNames } from "./naming";
export {
  cacheTopology,
  databaseAlarmThresholds,
  estimatedMaxConnections,
  instanceClassMemoryGiB,
  MIN_DR_BACKUP_RETENTION_DAYS,
  monitoringIntervalSeconds,
  recoveryObjectiveProblems,
  type CacheTopology,
  type DatabaseAlarmThresholds,
} from "./sizing";
export { restoreProblems, restoreToPointInTime, type DatabaseRestore, type RestoreToPointInTimeInputs } from "./restore";

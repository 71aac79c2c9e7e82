export type { Environment } from "./environment";
export {
  EnvironmentError,
  listEnvironments,
  loadEnvironment,
  readDeclarations,
  REPOSITORY_ROOT,
  ROOT_PROJECT,
  type EnvironmentErrorCode,
  type EnvironmentProblem,
  type LoadOptions,
} from "./load";
export { EKS_NODE_POOLS, FARGATE_MEMORY_BY_CPU, publicAccessCidrProblem, LOG_RETENTION_DAYS, RESERVED_TAG_KEYS, vpcCidrProblem } from "./rules";
export { MAX_ROUTE_RETRIES, MAX_ROUTE_TIMEOUT_SECONDS, MESH_MODES, MESH_PLATFORM, parseMeshRoute, type MeshMode, type MeshRoute } from "./mesh";
export { isEnvironmentName } from "./name";
export { inRange, MIN_PRODUCTION_BACKUP_RETENTION_DAYS, productionDatabaseShortfalls, SETTING_RANGES, type ProductionDatabaseShortfall } from "./rules";
export { settingsSchema, type Settings } from "./schema";
export { keptOnDestroy, RECOVERY_SUFFIX, recoveredDomainName, recoveryDomainName, recoveryEnvironmentName, recoverySourceName } from "./recovery";
export {
  ECS_TARGET_GROUP_ROLES,
  MIGRATION_ECS_TARGET_GROUP_KEY,
  MIGRATION_PHASE_KEY,
  MIGRATION_TARGETS,
  MIGRATION_WEIGHT_KEY,
  migrationPhase,
  migrationWeights,
  type EcsTargetGroupRole,
  type MigrationPhase,
  type MigrationTarget,
  type MigrationWeights,
} from "./migration";

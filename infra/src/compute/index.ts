export {
  serviceContainerDefinition,
  serviceEnvironment,
  serviceSecrets,
  CONTAINER_USER,
  SECRET_VARIABLES,
  type ServiceContainerSpec,
} from "./container-definition";
export { ContainerImage, ecrLifecyclePolicy, type ContainerImageArgs, type ContainerImageBuild } from "./container-image";
export { deploymentPlan, DeploymentPlanError, MIN_LINEAR_STEP_PERCENT, type DeploymentPlan } from "./deployment-plan";
export { albLogBucketPolicy, ecsInfrastructureTrustPolicy, ecsTasksTrustPolicy, executionRolePolicy, type PolicyDocument } from "./iam-policies";
export { digestOf, ImageReferenceError, parseImageReference, repositoryArnOf, type ImageReference } from "./image-reference";
export { ORIGIN_VERIFY_HEADER_NAME, originVerifyHeader, validateOriginVerifyHeaderName, type OriginVerifyHeader } from "./origin-verify";
export { buildIdentity, imageInputsHash, imageTag, SERVICE_IMAGE_INPUTS, type BuildIdentity } from "./image-tag";
export {
  DEPLOYMENT_ALARM_KEYS,
  SERVICE_ALARM_KEYS,
  ServiceAlarms,
  serviceAlarmName,
  serviceAlarmThresholds,
  type ServiceAlarmKey,
  type ServiceAlarmsArgs,
} from "./service-alarms";
export { deregistrationDelaySeconds, stopTimeoutSeconds } from "./shutdown-timing";
export { WebService, type WebServiceArgs } from "./web-service";
export { dataStoreEndpoints, type CacheEndpoint, type DatabaseEndpoint } from "./data-store-endpoints";
export {
  ALB_TLS_POLICY,
  originDomainName,
  originLoadBalancer,
  READINESS_PATH,
  targetGroupArgs,
  type OriginLoadBalancer,
  type OriginLoadBalancerArgs,
} from "./origin-load-balancer";
export { fargateTaskRuntime, type FargateTaskRuntime, type FargateTaskRuntimeArgs, type TaskSize } from "./task-runtime";
export { requestsPerTaskMetric, serviceScaling, type ServiceScalingArgs } from "./service-scaling";
export { ImageReplication, replicationRolePolicy, replicationTrustPolicy, type ImageReplicationArgs } from "./image-replication";
export {
  DEFAULT_DORA_SNAPSHOT_SCHEDULE,
  DORA_SNAPSHOT_ARCHIVE_PATH,
  DORA_SNAPSHOT_BUNDLED_HANDLER,
  DORA_SNAPSHOT_SCHEDULE_INPUT,
  DoraSnapshotSchedule,
  doraSnapshotEnvironment,
  doraSnapshotFunctionPolicy,
  doraSnapshotSchedulerPolicy,
  unbundledJob,
  type DoraSnapshotScheduleArgs,
} from "./dora-snapshot-schedule";
export type { PlatformServiceArgs } from "./platform-service-args";

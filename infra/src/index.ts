export * from "./environment";
export * from "./layers";
export { layerStackName, readUpstream, type Upstream, type UpstreamOutputs } from "./layers/stack-reference";
export { awsProvider } from "./layers/provider";
export { alarmDescription, RUNBOOK_DOCUMENT, RUNBOOK_ENTRIES, runbookLink, type RunbookKey } from "./observability/runbooks";
export {
  KeyAndAlertTopic,
  Network,
  SecurityGroups,
  VpcEndpoints,
  type KeyAndAlertTopicArgs,
  type NetworkArgs,
  type SecurityGroupsArgs,
  type VpcEndpointsArgs,
} from "./network";
export { APP_DB_USERNAME, Cache, Database, dataStoreNames, monitoringIntervalSeconds, type CacheArgs, type DatabaseArgs, type DatabaseRestore } from "./data";
export {
  ContainerImage,
  ImageReplication,
  ServiceAlarms,
  WebService,
  parseImageReference,
  type ContainerImageArgs,
  type ImageReplicationArgs,
  type ServiceAlarmsArgs,
  type WebServiceArgs,
} from "./compute";
export { dataStoreEndpoints, ORIGIN_VERIFY_HEADER_NAME, originDomainName, originVerifyHeader, type OriginVerifyHeader } from "./compute";
export { DORA_SNAPSHOT_ARCHIVE_PATH, DORA_SNAPSHOT_BUNDLED_HANDLER, DoraSnapshotSchedule, unbundledJob, type DoraSnapshotScheduleArgs } from "./compute";
export { CLOUDFRONT_REGION, Edge, edgeSettings, type EdgeArgs, type EdgeSettings } from "./edge/edge";
export { dashboardBody, Observability, type DashboardInput, type ObservabilityArgs } from "./observability/observability";
export { clusterName, EksCluster, EksWebService, eksTargetGroupTags, type EksClusterArgs, type EksWebServiceArgs } from "./compute/eks";
export { API_ARCHIVE_PATH, LambdaWebService, LIVE_ALIAS, type LambdaWebServiceArgs } from "./compute/lambda";
// For the stacks' tests, which import through the package like every other user.
export { OPERATOR_CHARTS, SERVICE_CHART_PATH, serviceChartValues } from "./compute/eks";
export { cidrContains } from "./network/subnet-plan";
export { dailyOverlapsWeekly } from "./data";
export { AMBIENT_PORTS, GATEWAY_API_CRDS_URL, ISTIO_CHART_REPOSITORY, ISTIO_VERSION } from "./compute/mesh/istio-ambient";
export type { PlatformServiceArgs } from "./compute/platform-service-args";

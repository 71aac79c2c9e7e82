export * from "./environment";
export * from "./layers";
export { layerStackName, readUpstream, type Upstream, type UpstreamOutputs } from "./layers/stack-reference";
export { awsProvider } from "./layers/provider";
export { alarmDescription, RUNBOOK_DOCUMENT, RUNBOOK_ENTRIES, runbookLink, type RunbookKey } from "./observability/runbooks";
export { Foundations, Network, SecurityGroups, VpcEndpoints, type FoundationsArgs, type NetworkArgs, type SecurityGroupsArgs, type VpcEndpointsArgs } from "./network";
export { Cache, Database, dataStoreNames, monitoringIntervalSeconds, type CacheArgs, type DatabaseArgs } from "./data";
export { ContainerImage, ServiceAlarms, WebService, parseImageReference, type ContainerImageArgs, type ServiceAlarmsArgs, type WebServiceArgs } from "./compute";
export { Edge, type EdgeArgs, type EdgeOptions } from "./edge/edge";

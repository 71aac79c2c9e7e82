// Pure layer contracts: safe to import from devctl without loading the Pulumi SDK.
export * from "./contracts";
export { layerTags } from "./tags";
export { WORKLOAD_BOUNDARY_NAME, workloadBoundaryArn } from "./permissions-boundary";

// Pure layer contracts: safe to import from devctl without loading the Pulumi SDK.
export * from "./contracts";
export { isTaggable, layerTags } from "./tags";
export { TAGGABLE_AWS_TYPES } from "./taggable-types";
export { WORKLOAD_BOUNDARY_NAME, workloadBoundaryArn } from "./permissions-boundary";

import type { Environment } from "../environment/environment";
import type { Layer } from "./contracts";
import { TAGGABLE_AWS_TYPES } from "./taggable-types";

/** Tags for every taggable resource of a layer: the environment's tags plus Layer. */
export function layerTags(environment: Environment, layer: Layer): Record<string, string> {
  return { ...environment.tags, Layer: layer };
}

/** True when the resource type token (e.g. aws:ec2/vpc:Vpc) is an AWS resource whose args accept tags. */
export function isTaggable(type: string): boolean {
  return TAGGABLE_AWS_TYPES.has(type);
}

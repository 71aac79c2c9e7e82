import type { Environment } from "../environment/environment";
import type { Layer } from "./contracts";

/** Tags for every taggable resource of a layer: the environment's tags plus Layer. */
export function layerTags(environment: Environment, layer: Layer): Record<string, string> {
  return { ...environment.tags, Layer: layer };
}

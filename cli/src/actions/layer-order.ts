import { LAYER_UPSTREAMS, LAYERS, type Layer } from "@platform/infra/layers";
import { DevctlError } from "../errors";
import type { Engine } from "../engine/engine";

/** The requested layers in deploy order (all of them when none is requested), without duplicates. */
export function selectLayers(requested: readonly Layer[]): Layer[] {
  return requested.length === 0 ? [...LAYERS] : LAYERS.filter((layer) => requested.includes(layer));
}

/** The upstream layers of `layer` that have never been deployed to the environment. */
export async function missingUpstreams(engine: Engine, environment: string, layer: Layer, alsoRunning: readonly Layer[] = []): Promise<Layer[]> {
  const missing: Layer[] = [];
  for (const upstream of LAYER_UPSTREAMS[layer]) {
    if (alsoRunning.includes(upstream)) continue;
    if (!(await engine.isDeployed({ environment, layer: upstream }))) missing.push(upstream);
  }
  return missing;
}

export function upstreamNotDeployed(environment: string, layer: Layer, missing: readonly Layer[]): DevctlError {
  const first = missing[0] ?? "network";
  return new DevctlError(
    "UPSTREAM_NOT_DEPLOYED",
    `the ${layer} layer of ${environment} reads ${missing.join(" and ")}, which ${missing.length === 1 ? "has" : "have"} never been deployed to ${environment}`,
    `run devctl up ${environment} --layer ${first} first (or devctl up ${environment} for every layer in order)`,
  );
}

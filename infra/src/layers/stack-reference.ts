import * as pulumi from "@pulumi/pulumi";
import { isEnvironmentName } from "../environment/name";
import { LAYER_OUTPUT_NAMES, LAYER_PROJECTS, type Layer, type LayerOutputMap } from "./contracts";

/**
 * Fully qualified stack name of a layer in an environment: <organisation>/<project>/<environment>.
 * With a self-managed (file or S3) backend the organisation is literally "organization".
 */
export function layerStackName(organization: string, layer: Layer, environment: string): string {
  if (!/^[A-Za-z0-9][A-Za-z0-9._-]*$/.test(organization)) {
    throw new Error(`Invalid Pulumi organisation "${organization}": use letters, digits, ".", "_" or "-".`);
  }
  if (!isEnvironmentName(environment)) {
    throw new Error(`Invalid environment name "${environment}": use lower-case letters, digits and "-".`);
  }
  return `${organization}/${LAYER_PROJECTS[layer]}/${environment}`;
}

/** An upstream layer's outputs, each as an Output of the type the contract gives it. */
export type UpstreamOutputs<L extends Layer> = {
  readonly [K in keyof LayerOutputMap[L]]: pulumi.Output<LayerOutputMap[L][K]>;
};

export interface Upstream<L extends Layer> {
  readonly reference: pulumi.StackReference;
  readonly outputs: UpstreamOutputs<L>;
}

/**
 * Reads an upstream layer's outputs through a StackReference whose name is derived from the current
 * backend organisation, the layer and the environment (the current stack name unless given).
 * A missing output fails the update with the output's name (requireOutput), not an undefined later.
 */
export function readUpstream<L extends Layer>(layer: L, environment: string = pulumi.getStack(), opts?: pulumi.CustomResourceOptions): Upstream<L> {
  const name = layerStackName(pulumi.getOrganization(), layer, environment);
  const reference = new pulumi.StackReference(`${layer}-${environment}`, { name }, opts);
  const outputs = Object.fromEntries(LAYER_OUTPUT_NAMES[layer].map((key: string) => [key, reference.requireOutput(key)])) as unknown as UpstreamOutputs<L>;
  return { reference, outputs };
}

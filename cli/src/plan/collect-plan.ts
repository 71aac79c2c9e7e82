/**
 * `devctl plan`'s orchestration: evaluates the chosen layers in dependency order under mocks, feeding each
 * downstream layer's stack references with what its upstream produced in this plan, then runs the policy
 * rules over each layer's resources. collectPlan() returns data; print-plan.ts renders it.
 */
import * as fs from "node:fs";
import * as path from "node:path";
import { loadEnvironment, type Environment } from "@platform/infra/environment";
import { LAYER_OUTPUT_NAMES, LAYER_PROJECTS, LAYER_UPSTREAMS, LAYERS, type Layer } from "@platform/infra/layers";
import { evaluateRules, type RuleViolation } from "@platform/policy";
import { DevctlError } from "../errors";
import { loadLayerPrograms } from "./load-program";
import { evaluateLayer, FAKE_ACCOUNT_ID, type PlannedResource } from "@platform/infra/testing";

/** The backend organisation the plan pretends to run in (what self-managed backends use). */
export const PLAN_ORGANIZATION = "organization";

export interface PlannedLayer {
  readonly layer: Layer;
  readonly project: string;
  readonly stack: string;
  readonly resources: readonly PlannedResource[];
  readonly outputs: Record<string, unknown>;
  readonly violations: readonly RuleViolation[];
}

export interface SkippedLayer {
  readonly layer: Layer;
  readonly reason: string;
}

export interface Plan {
  readonly environment: Environment;
  readonly layers: readonly PlannedLayer[];
  /** Layers asked for that have no program yet: planned as absent, downstream got placeholder outputs. */
  readonly skipped: readonly SkippedLayer[];
  readonly violations: readonly RuleViolation[];
}

export interface CollectPlanOptions {
  readonly environment: string;
  /** Layers to show; default all. Upstream layers they need are evaluated too (not shown). */
  readonly layers?: readonly Layer[];
  /** Repository root holding stacks/<layer>/src/program.ts; default the repository's. */
  readonly programRoot: string;
  /** Where the environment files are; default the repository root. */
  readonly environmentRoot?: string;
  readonly progress?: (message: string) => void;
}

/** Layers to evaluate: the requested ones and every layer upstream of them, in deploy order. */
export function layersToEvaluate(requested: readonly Layer[]): Layer[] {
  const needed = new Set<Layer>();
  const add = (layer: Layer) => {
    if (needed.has(layer)) return;
    needed.add(layer);
    LAYER_UPSTREAMS[layer].forEach(add);
  };
  requested.forEach(add);
  return LAYERS.filter((l) => needed.has(l));
}

export async function collectPlan(options: CollectPlanOptions): Promise<Plan> {
  const progress = options.progress ?? (() => undefined);
  const environment = loadEnvironment(options.environment, options.environmentRoot ? { rootDir: options.environmentRoot } : {});
  const requested = options.layers && options.layers.length > 0 ? options.layers : LAYERS;
  const stackOutputs = new Map<string, Record<string, unknown>>();
  const planned: PlannedLayer[] = [];
  const skipped: SkippedLayer[] = [];

  const layers = layersToEvaluate(requested);
  const programs = await loadLayerPrograms(options.programRoot, layers);
  for (const layer of layers) {
    const project = LAYER_PROJECTS[layer];
    const reference = `${PLAN_ORGANIZATION}/${project}/${environment.name}`;
    const lookup = programs.get(layer);
    if (!lookup) continue;
    if (!lookup.found) {
      progress(`${layer}: no program yet (${lookup.reason}); downstream layers get placeholder ${layer} outputs`);
      skipped.push({ layer, reason: lookup.reason });
      stackOutputs.set(reference, placeholderOutputs(layer, environment));
      continue;
    }
    const started = Date.now();
    progress(`${layer}: evaluating ${project} (${environment.name}) under mocks`);
    let programOptions: Record<string, unknown> | undefined;
    if (layer === "data" && environment.recovery.of !== undefined) {
      // Offline there is no backup to look up: the plan shows the restore's shape; devctl dr restore finds the ARN.
      const source = `arn:aws:rds:${environment.awsRegion}:${FAKE_ACCOUNT_ID}:auto-backup:ab-plan`;
      progress(
        `data: recovery environment of ${environment.recovery.of}: database restored from its backups replicated to ${environment.awsRegion} (placeholder ${source}), latest restorable time`,
      );
      programOptions = { restore: { sourceAutomatedBackupsArn: source } };
    }
    if (layer === "compute" && environment.compute.platform === "lambda") {
      progress("compute: lambda: the function's code is the archive service/dist/lambda/api.zip (a plan does not read it)");
    } else if (layer === "compute") {
      const image = promotedImage(options.programRoot, environment.name);
      progress(
        image
          ? `compute: image pinned in stacks/compute/Pulumi.${environment.name}.yaml: ${image}`
          : "compute: no pinned image, so the program builds it (a mock digest)",
      );
      programOptions = { image };
    }
    let evaluation;
    try {
      evaluation = await evaluateLayer({
        project,
        stack: environment.name,
        organization: PLAN_ORGANIZATION,
        region: environment.awsRegion,
        stackOutputs,
        run: () => lookup.program(environment, programOptions),
      });
    } catch (error) {
      throw new DevctlError(
        "OPERATION_FAILED",
        `the ${layer} program (${lookup.file}) failed under mocks: ${error instanceof Error ? error.message : String(error)}`,
        "Run its mock tests (npx vitest run --project stack-" + layer + ") to see where; set DEVCTL_DEBUG=1 for the stack.",
        { cause: error },
      );
    }
    stackOutputs.set(reference, evaluation.revealedOutputs);
    const violations = evaluateRules(
      evaluation.resources.map((r) => ({
        type: r.type,
        name: r.name,
        urn: r.urn,
        props: r.props,
        ...(r.id === undefined ? {} : { id: r.id }),
        ...(r.region === undefined ? {} : { region: r.region }),
      })),
      { stack: environment.name, isProduction: environment.isProduction, isRecovery: environment.recovery.of !== undefined },
    );
    progress(`${layer}: ${evaluation.resources.length} resources, ${violations.length} findings in ${Date.now() - started} ms`);
    if (requested.includes(layer)) {
      planned.push({ layer, project, stack: environment.name, resources: evaluation.resources, outputs: evaluation.outputs, violations });
    }
  }
  return { environment, layers: planned, skipped, violations: planned.flatMap((l) => l.violations) };
}

/**
 * The image compute deploys, as its index.ts reads it: `platform-compute:image` from the compute stack's
 * config file when one is on disk (devctl promote/rollback set it); otherwise undefined, and the program
 * builds the service image (under mocks: a digest derived from the image name).
 */
export function promotedImage(programRoot: string, environment: string): string | undefined {
  const file = path.join(programRoot, "stacks", "compute", `Pulumi.${environment}.yaml`);
  if (!fs.existsSync(file)) return undefined;
  const match = /^\s+platform-compute:image:\s*["']?([^"'\s]+)["']?\s*$/m.exec(fs.readFileSync(file, "utf8"));
  return match?.[1];
}

/** Outputs of a layer with no program yet, shaped like the contract, so downstream layers can still be planned. */
export function placeholderOutputs(layer: Layer, environment: Environment): Record<string, unknown> {
  const values: Record<string, unknown> = {};
  const region = environment.awsRegion;
  for (const key of LAYER_OUTPUT_NAMES[layer] as readonly string[]) {
    if (/Ids$|Names$|Arns$|Zones$/.test(key)) {
      values[key] = Array.from({ length: environment.network.azCount }, (_, i) =>
        key === "availabilityZones" ? `${region}${"abcdef"[i] ?? "a"}` : `placeholder-${key}-${i + 1}`,
      );
    } else if (/Port$/.test(key)) values[key] = key.startsWith("db") ? 5432 : 6379;
    else if (/Arn$/.test(key)) values[key] = `arn:aws:placeholder:${region}:${FAKE_ACCOUNT_ID}:${key}`;
    else if (key === "vpcCidr") values[key] = environment.network.vpcCidr;
    else values[key] = `placeholder-${key}`;
  }
  return values;
}

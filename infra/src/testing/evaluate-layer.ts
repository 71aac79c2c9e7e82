/**
 * Runs one layer program in this process on the simulation (./simulation.ts): no engine, no cloud, no
 * credentials. devctl plan's runner: records every resource the program registers (type, name, parent, the
 * inputs exactly as sent), answers the layer's stack references with the outputs its upstream layers produced
 * in the same plan, and resolves the program's outputs.
 *
 * Pulumi's runtime state is global: layers run one after another, each simulation resetting it.
 */
import * as pulumi from "@pulumi/pulumi";
import { simulate, SimulationError, waitForRegistrations } from "./simulation";
import { fromWire, SECRET_MASK } from "./wire-values";

export interface PlannedResource {
  readonly urn: string;
  readonly type: string;
  readonly name: string;
  readonly parent: string | null;
  /** Inputs exactly as the program passed them, secrets shown as "[secret]". */
  readonly inputs: Record<string, unknown>;
  /** The same inputs with secrets revealed: what the policies read. Never printed. */
  readonly props: Record<string, unknown>;
  /** The id the mocks gave it (custom resources only). */
  readonly id?: string;
  readonly custom: boolean;
  /** AWS region it lives in (its region input, else its provider's); AWS resources only. */
  readonly region?: string;
}

export interface LayerEvaluation {
  readonly resources: PlannedResource[];
  /** Outputs with secrets shown as "[secret]". */
  readonly outputs: Record<string, unknown>;
  /** Outputs with secrets revealed: what downstream stack references receive. */
  readonly revealedOutputs: Record<string, unknown>;
}

export interface EvaluateLayerOptions {
  readonly project: string;
  readonly stack: string;
  readonly organization: string;
  /** Region of resources whose provider sets none. */
  readonly region: string;
  /** Outputs per fully qualified stack name (<org>/<project>/<stack>) that stack references answer with. */
  readonly stackOutputs: ReadonlyMap<string, Record<string, unknown>>;
  /** Builds the layer; called after the mocks are in place. */
  readonly run: () => Record<string, pulumi.Input<unknown>>;
  /** Longest time to wait for the program's resources and outputs. */
  readonly timeoutMs?: number;
}

export async function evaluateLayer(options: EvaluateLayerOptions): Promise<LayerEvaluation> {
  const simulation = await simulate({ ...options, stackOutputs: (name) => options.stackOutputs.get(name) });
  const failures = simulation.failures;
  const onRejection = (reason: unknown) => failures.push(reason);
  process.on("unhandledRejection", onRejection);
  try {
    const returned = options.run();
    const resolved = await withTimeout(resolveOutputs(returned), options.timeoutMs ?? 60_000, options.project);
    await withTimeout(waitForRegistrations(), options.timeoutMs ?? 60_000, options.project);
    // A failed registration surfaces only as an unhandled rejection, which Node reports after the current
    // microtasks: let it arrive before deciding the layer went well.
    await new Promise((resolve) => setImmediate(resolve));
    const failure = failures[0];
    if (failure !== undefined) throw failure instanceof Error ? failure : new Error(JSON.stringify(failure));
    const resources = simulation.resources.map((r): PlannedResource => ({
      urn: r.urn,
      type: r.type,
      name: r.name,
      parent: r.parent,
      inputs: fromWire(r.wire, "mask") as Record<string, unknown>,
      props: fromWire(r.wire, "reveal") as Record<string, unknown>,
      ...(r.id === undefined ? {} : { id: r.id }),
      custom: r.custom,
      ...(r.region === undefined ? {} : { region: r.region }),
    }));
    return { resources, ...resolved };
  } finally {
    process.off("unhandledRejection", onRejection);
  }
}

async function resolveOutputs(
  returned: Record<string, pulumi.Input<unknown>>,
): Promise<{ outputs: Record<string, unknown>; revealedOutputs: Record<string, unknown> }> {
  const outputs: Record<string, unknown> = {};
  const revealedOutputs: Record<string, unknown> = {};
  for (const [key, value] of Object.entries(returned ?? {})) {
    const output = pulumi.output(value);
    const [plain, secret] = await Promise.all([valueOf(output), pulumi.isSecret(output)]);
    revealedOutputs[key] = plain;
    outputs[key] = secret ? SECRET_MASK : plain;
  }
  return { outputs, revealedOutputs };
}

/** An Output's value; rejects when it failed (an apply threw, a registration failed). */
function valueOf<T>(output: pulumi.Output<T>): Promise<T> {
  return (output as unknown as { promise(): Promise<T> }).promise();
}

async function withTimeout<T>(promise: Promise<T>, ms: number, what: string): Promise<T> {
  let timer: NodeJS.Timeout | undefined;
  const timeout = new Promise<never>((_, reject) => {
    timer = setTimeout(() => reject(new SimulationError(`${what} did not finish within ${ms / 1000} s under mocks (an output that never resolves?)`)), ms);
  });
  try {
    return await Promise.race([promise, timeout]);
  } finally {
    clearTimeout(timer);
  }
}

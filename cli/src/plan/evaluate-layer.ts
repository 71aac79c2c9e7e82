/**
 * Runs one layer program in this process under the Pulumi runtime's mocks: no engine, no cloud, no
 * credentials. Records every resource the program registers (type, name, parent, the inputs exactly as
 * sent), answers with realistic computed attributes (@platform/infra/testing/cloud-answers), answers the layer's stack references
 * with the outputs its upstream layers produced in the same plan, and resolves the program's outputs.
 *
 * Pulumi's runtime state is global: layers run one after another, each after setMocks() has reset it.
 */
import * as pulumi from "@pulumi/pulumi";
import { mockCallResult, mockResourceState, fakeId, type MockContext } from "@platform/infra/testing/cloud-answers";
import { fromWire } from "@platform/infra/testing/wire-values";

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

interface WireRequest {
  getType(): string;
  getName(): string;
  getParent(): string;
  getCustom(): boolean;
  getProvider(): string;
  getObject(): { toJavaScript(): Record<string, unknown> } | undefined;
}
interface MockMonitorLike {
  newUrn(parent: string, type: string, name: string): string;
  registerResource(req: WireRequest, callback: (err: unknown, resp: unknown) => void): Promise<void>;
}

export class LayerEvaluationError extends Error {
  override readonly name = "LayerEvaluationError";
}

export async function evaluateLayer(options: EvaluateLayerOptions): Promise<LayerEvaluation> {
  const resources: PlannedResource[] = [];
  const providerRegions = new Map<string, string>();
  const failures: unknown[] = [];
  let current: WireRequest | undefined;

  await pulumi.runtime.setMocks(
    {
      newResource: (args) => {
        const inputs = (args.inputs ?? {}) as Record<string, unknown>;
        const req = current;
        const monitor = pulumi.runtime.getMonitor() as unknown as MockMonitorLike;
        const urn = monitor.newUrn(req?.getParent() ?? "", args.type, args.name);
        if (args.type === "pulumi:pulumi:StackReference") {
          const name = String(inputs.name);
          const outputs = options.stackOutputs.get(name);
          if (!outputs) throw new LayerEvaluationError(`stack reference ${name}: that layer has no outputs in this plan`);
          resources.push({ urn, type: args.type, name: args.name, parent: req?.getParent() ? req.getParent() : null, inputs: { name }, props: { name }, id: name, custom: true });
          return { id: name, state: { name, outputs, secretOutputNames: [] } };
        }
        const id = args.custom === false ? `${args.name}` : fakeId(args.type, args.name, inputs, urn);
        const wire = req?.getObject()?.toJavaScript() ?? {};
        const ctx: MockContext = { region: regionOf(args.provider) };
        if (args.type === "pulumi:providers:aws" && typeof inputs.region === "string") providerRegions.set(urn, inputs.region);
        resources.push({
          urn,
          type: args.type,
          name: args.name,
          parent: req?.getParent() ? req.getParent() : null,
          inputs: fromWire(wire, "mask") as Record<string, unknown>,
          props: fromWire(wire, "reveal") as Record<string, unknown>,
          ...(args.custom === false ? {} : { id }),
          custom: args.custom !== false,
          ...(args.type.startsWith("aws:") ? { region: typeof inputs.region === "string" ? inputs.region : ctx.region } : {}),
        });
        return { id, state: mockResourceState(args.type, args.name, inputs, id, urn, ctx) };
      },
      call: (args) => mockCallResult(args.token, (args.inputs ?? {}) as Record<string, unknown>, { region: regionOf(args.provider) }),
    },
    options.project,
    options.stack,
    false,
    options.organization,
  );

  // The mock monitor calls newResource synchronously inside registerResource: remember the request so
  // newResource can read the parent and the wire-format inputs (secrets still marked).
  const monitor = pulumi.runtime.getMonitor() as unknown as MockMonitorLike;
  const register = monitor.registerResource.bind(monitor);
  monitor.registerResource = (req, callback) => {
    current = req;
    try {
      return register(req, (err, resp) => {
        if (err) failures.push(err);
        callback(err, resp);
      });
    } finally {
      current = undefined;
    }
  };

  function regionOf(provider: string | undefined): string {
    const urn = provider?.split("::").slice(0, -1).join("::");
    return (urn && providerRegions.get(urn)) || options.region;
  }

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
    outputs[key] = secret ? "[secret]" : plain;
  }
  return { outputs, revealedOutputs };
}

/** An Output's value; rejects when it failed (an apply threw, a registration failed). */
function valueOf<T>(output: pulumi.Output<T>): Promise<T> {
  return (output as unknown as { promise(): Promise<T> }).promise();
}

/** Waits until every resource registration the program started has been answered. */
async function waitForRegistrations(): Promise<void> {
  // Internal to the SDK (not in its .d.ts) but exported at run time; the runtime itself uses it to disconnect.
  const { waitForRPCs } = pulumi.runtime as unknown as { waitForRPCs?: () => Promise<void> };
  if (!waitForRPCs) throw new LayerEvaluationError("this @pulumi/pulumi has no runtime.waitForRPCs; devctl plan needs 3.270");
  await waitForRPCs();
}

async function withTimeout<T>(promise: Promise<T>, ms: number, what: string): Promise<T> {
  let timer: NodeJS.Timeout | undefined;
  const timeout = new Promise<never>((_, reject) => {
    timer = setTimeout(() => reject(new LayerEvaluationError(`${what} did not finish within ${ms / 1000} s under mocks (an output that never resolves?)`)), ms);
  });
  try {
    return await Promise.race([promise, timeout]);
  } finally {
    clearTimeout(timer);
  }
}

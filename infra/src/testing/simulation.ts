/**
 * The ONE simulation of AWS inside this process: installs the Pulumi runtime's mocks so a program runs with
 * no engine, no cloud and no credentials, answers every resource and invoke from the one table
 * (./cloud-answers.ts) and records what the program registered. devctl plan (./evaluate-layer.ts) and the
 * tests (./mocks.ts) both start here; the local-cloud simulator serves the same table to the real engine.
 *
 * Pulumi's runtime state is global: one simulation at a time; simulate() again resets it.
 */
import * as pulumi from "@pulumi/pulumi";
import { fakeId, mockCallResult, mockResourceState, type MockContext } from "./cloud-answers";

export interface SimulatedResource {
  readonly urn: string;
  readonly type: string;
  readonly name: string;
  readonly parent: string | null;
  /** The provider reference it was registered with (`<provider URN>::<id>`), if any. */
  readonly provider?: string;
  readonly custom: boolean;
  /** The id the simulation gave it (custom resources only). */
  readonly id?: string;
  /** Inputs as the mocks receive them: secrets still wrapped ({ [SIG_KEY]: SECRET_SIG, value }). */
  readonly inputs: Record<string, unknown>;
  /** The inputs in wire format (a resource passed as an input is a reference): what fromWire() reads. */
  readonly wire: Record<string, unknown>;
  /** What the simulation answered with: the inputs plus the table's computed attributes. */
  readonly state: Record<string, unknown>;
  /** AWS region it lives in (its region input, else its provider's); AWS resources only. */
  readonly region?: string;
}

export interface SimulationOptions {
  readonly project: string;
  readonly stack: string;
  readonly organization: string;
  /** Region of resources whose provider sets none. */
  readonly region: string;
  /** Outputs a stack reference (fully qualified <org>/<project>/<stack>) answers with; undefined fails it. */
  readonly stackOutputs: (name: string) => Record<string, unknown> | undefined;
  /** Called with each registration as it is answered (the tests' recorder keeps its own list). */
  readonly onRegister?: (resource: SimulatedResource) => void;
}

export interface Simulation {
  /** Every registration in order, stack references included. */
  readonly resources: SimulatedResource[];
  /** Registrations the mock monitor failed (thrown from the simulation or the program's inputs). */
  readonly failures: unknown[];
}

export class SimulationError extends Error {
  override readonly name = "SimulationError";
}

interface WireRequest {
  getParent(): string;
  getObject(): { toJavaScript(): Record<string, unknown> } | undefined;
}
interface MockMonitorLike {
  newUrn(parent: string, type: string, name: string): string;
  registerResource(req: WireRequest, callback: (err: unknown, resp: unknown) => void): Promise<void>;
}

export const STACK_REFERENCE = "pulumi:pulumi:StackReference";

export async function simulate(options: SimulationOptions): Promise<Simulation> {
  const resources: SimulatedResource[] = [];
  const failures: unknown[] = [];
  const providerRegions = new Map<string, string>();
  let current: WireRequest | undefined;
  const record = (resource: SimulatedResource) => {
    resources.push(resource);
    options.onRegister?.(resource);
  };

  function regionOf(provider: string | undefined): string {
    const urn = provider?.split("::").slice(0, -1).join("::");
    return (urn && providerRegions.get(urn)) || options.region;
  }

  await pulumi.runtime.setMocks(
    {
      newResource: (args) => {
        const inputs = (args.inputs ?? {}) as Record<string, unknown>;
        const req = current;
        const monitor = pulumi.runtime.getMonitor() as unknown as MockMonitorLike;
        const urn = monitor.newUrn(req?.getParent() ?? "", args.type, args.name);
        const parent = req?.getParent() ? req.getParent() : null;
        const provider = args.provider ? { provider: args.provider } : {};
        if (args.type === STACK_REFERENCE) {
          const name = String(inputs.name);
          const outputs = options.stackOutputs(name);
          if (!outputs) throw new SimulationError(`stack reference ${name}: that layer has no outputs in this simulation`);
          const state = { name, outputs, secretOutputNames: [] };
          record({ urn, type: args.type, name: args.name, parent, ...provider, custom: true, id: name, inputs: { name }, wire: { name }, state });
          return { id: name, state };
        }
        const custom = args.custom !== false;
        const id = custom ? fakeId(args.type, args.name, inputs, urn) : args.name;
        const ctx: MockContext = { region: regionOf(args.provider) };
        if (args.type === "pulumi:providers:aws" && typeof inputs.region === "string") providerRegions.set(urn, inputs.region);
        const state = mockResourceState(args.type, args.name, inputs, id, urn, ctx);
        record({
          urn,
          type: args.type,
          name: args.name,
          parent,
          ...provider,
          custom,
          ...(custom ? { id } : {}),
          inputs,
          wire: req?.getObject()?.toJavaScript() ?? {},
          state,
          ...(args.type.startsWith("aws:") ? { region: typeof inputs.region === "string" ? inputs.region : ctx.region } : {}),
        });
        return { id, state };
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

  return { resources, failures };
}

/** Waits until every resource registration the program started has been answered. */
export async function waitForRegistrations(): Promise<void> {
  // Internal to the SDK (not in its .d.ts) but exported at run time; the runtime itself uses it to disconnect.
  const { waitForRPCs } = pulumi.runtime as unknown as { waitForRPCs?: () => Promise<void> };
  if (!waitForRPCs) throw new SimulationError("this @pulumi/pulumi has no runtime.waitForRPCs; the simulation needs 3.270");
  await waitForRPCs();
}

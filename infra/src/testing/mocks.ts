/**
 * Test support for Pulumi programs under the runtime's mocks: records every resource's type, name and the
 * inputs the program actually sent, and answers stack references with fake upstream outputs.
 * Import it in tests only; call installMocks() BEFORE importing a program (await import()).
 */
import * as pulumi from "@pulumi/pulumi";
import { mockCallResult } from "./cloud-answers";
import { LAYER_OUTPUT_NAMES, LAYER_PROJECTS, type Layer, type LayerOutputMap } from "../layers/contracts";

export interface RecordedResource {
  readonly type: string;
  readonly name: string;
  readonly inputs: Record<string, unknown>;
  readonly provider?: string;
}

export interface MockOptions {
  /** Project and stack (environment) the program runs as. */
  readonly project: string;
  readonly stack: string;
  /** Organisation of the backend; "organization" is what self-managed backends use. */
  readonly organization?: string;
  /** Outputs each upstream layer's StackReference answers with; defaults to fakeLayerOutputs(layer). */
  readonly upstream?: Partial<{ [L in Layer]: Partial<LayerOutputMap[L]> }>;
  /** Extra state for a resource type, merged over its inputs (e.g. computed attributes a program reads). */
  readonly state?: (type: string, name: string, inputs: Record<string, unknown>) => Record<string, unknown> | undefined;
}

export interface MockRecorder {
  readonly resources: RecordedResource[];
  /** Stack names that were referenced. */
  readonly references: string[];
  ofType(type: string): RecordedResource[];
  /** The one resource of a type (and name, when given); throws listing what exists otherwise. */
  one(type: string, name?: string): RecordedResource;
}

/** Plausible outputs for an upstream layer, so a downstream program can be evaluated alone. */
export function fakeLayerOutputs<L extends Layer>(layer: L, environment = "test"): LayerOutputMap[L] {
  const values: Record<string, unknown> = {};
  for (const key of LAYER_OUTPUT_NAMES[layer] as readonly string[]) {
    // Shaped like AWS's: the IAM grant built from them checks their form.
    if (key === "dbResourceId") values[key] = `db-FAKE${environment.toUpperCase().replace(/[^A-Z0-9]/g, "")}`;
    else if (key === "dbAppUsername") values[key] = "ledger_app";
    else if (/Ids$|Names$|Arns$|Zones$/.test(key)) values[key] = [1, 2, 3].map((n) => `${key}-${environment}-${n}`);
    else if (/Port$/.test(key)) values[key] = key.startsWith("db") ? 5432 : 6379;
    else if (/Arn$/.test(key)) values[key] = `arn:aws:service:eu-west-1:123456789012:${key}/${environment}`;
    else values[key] = `${key}-${environment}`;
  }
  return values as unknown as LayerOutputMap[L];
}

export async function installMocks(options: MockOptions): Promise<MockRecorder> {
  const resources: RecordedResource[] = [];
  const references: string[] = [];
  const projectToLayer = new Map(Object.entries(LAYER_PROJECTS).map(([layer, project]) => [project, layer as Layer]));

  await pulumi.runtime.setMocks(
    {
      newResource: (args) => {
        const inputs = args.inputs as Record<string, unknown>;
        if (args.type === "pulumi:pulumi:StackReference") {
          const name = String(inputs.name);
          references.push(name);
          const layer = projectToLayer.get(name.split("/")[1] ?? "");
          const outputs = layer
            ? { ...fakeLayerOutputs(layer, options.stack), ...(options.upstream?.[layer] ?? {}) }
            : {};
          return { id: name, state: { name, outputs, secretOutputNames: [] } };
        }
        resources.push({ type: args.type, name: args.name, inputs, provider: args.provider });
        const extra = options.state?.(args.type, args.name, inputs) ?? {};
        return {
          id: `${args.name}-id`,
          state: {
            ...inputs,
            arn: `arn:aws:mock:eu-west-1:123456789012:${args.type.split(":").pop() ?? "resource"}/${args.name}`,
            name: inputs.name ?? args.name,
            ...extra,
          },
        };
      },
      call: (args) => {
        const inputs = args.inputs as Record<string, unknown>;
        // Only the list the programs use; any other name is a typo worth failing on.
        if (args.token === "aws:ec2/getManagedPrefixList:getManagedPrefixList" && inputs.name !== "com.amazonaws.global.cloudfront.origin-facing") {
          throw new Error(`mock has no managed prefix list named ${String(inputs.name)}; only com.amazonaws.global.cloudfront.origin-facing`);
        }
        // The one table of what AWS answers, shared with devctl plan and the local-cloud simulator.
        return mockCallResult(args.token, inputs, { region: "eu-west-1" });
      },
    },
    options.project,
    options.stack,
    false,
    options.organization ?? "organization",
  );

  return {
    resources,
    references,
    ofType: (type) => resources.filter((r) => r.type === type),
    one: (type, name) => {
      const found = resources.filter((r) => r.type === type && (name === undefined || r.name === name));
      if (found.length !== 1) {
        throw new Error(
          `expected one ${type}${name ? ` named ${name}` : ""}, found ${found.length}: ${found.map((r) => r.name).join(", ") || "none"}`,
        );
      }
      return found[0]!;
    },
  };
}

/** Resolves an Output (or plain value) for assertions. */
export function promiseOf<T>(value: pulumi.Input<T>): Promise<T> {
  return new Promise((resolve) => {
    pulumi.output(value).apply((v) => {
      resolve(v as T);
      return v;
    });
  });
}

/** Waits for the program's pending resource registrations to be recorded. */
export async function settle(outputs: Record<string, pulumi.Input<unknown>>): Promise<Record<string, unknown>> {
  const entries = await Promise.all(Object.entries(outputs).map(async ([k, v]) => [k, await promiseOf(v)] as const));
  return Object.fromEntries(entries);
}

/**
 * Waits until the program has stopped registering resources: a resource registers only once its inputs'
 * Outputs resolve, so some arrive after the stack outputs do. The runtime counts every registration from
 * the moment its constructor runs; its (internal, untyped) waitForRPCs drains that queue. A quiet period
 * of `quietMs` without a new record follows, as a fallback should that function ever go away.
 */
export async function settleResources(recorder: MockRecorder, quietMs = 30, timeoutMs = 15_000): Promise<void> {
  const runtime = pulumi.runtime as unknown as { waitForRPCs?: () => Promise<void> };
  if (typeof runtime.waitForRPCs === "function") await runtime.waitForRPCs();
  const started = Date.now();
  let count = -1;
  while (count !== recorder.resources.length) {
    if (Date.now() - started > timeoutMs) throw new Error(`resources still registering after ${timeoutMs} ms (${recorder.resources.length} so far)`);
    count = recorder.resources.length;
    await new Promise((resolve) => setTimeout(resolve, quietMs));
  }
}

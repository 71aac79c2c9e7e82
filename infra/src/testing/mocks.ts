/**
 * The tests' side of the simulation (./simulation.ts): records every resource's type, name, the inputs the
 * program actually sent and what the simulation answered (the one table's id and computed attributes), and
 * answers stack references with fake upstream outputs. Call installMocks() BEFORE importing a program
 * (await import()); runLayerProgram() does both and is what every stack's tests use.
 */
import * as pulumi from "@pulumi/pulumi";
import { FAKE_ACCOUNT_ID } from "./cloud-answers";
import { simulate, waitForRegistrations, STACK_REFERENCE, type SimulatedResource } from "./simulation";
import { LAYER_OUTPUT_NAMES, LAYER_PROJECTS, type Layer, type LayerOutputMap } from "../layers/contracts";

/** A resource as a test sees it: its inputs (secrets still wrapped), its id and state from the one table. */
export type RecordedResource = SimulatedResource;

export interface MockOptions {
  /** Project and stack (environment) the program runs as. */
  readonly project: string;
  readonly stack: string;
  /** Organisation of the backend; "organization" is what self-managed backends use. */
  readonly organization?: string;
  /** Region of resources whose provider sets none; default eu-west-1. */
  readonly region?: string;
  /** Outputs each upstream layer's StackReference answers with; defaults to fakeLayerOutputs(layer). */
  readonly upstream?: Partial<{ [L in Layer]: Partial<LayerOutputMap[L]> }>;
}

export interface MockRecorder {
  /** Every resource registered so far except stack references, in order. */
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

/** Outputs of the network layer that look like AWS's, for the tests of the layers downstream of it. */
export const FAKE_NETWORK_OUTPUTS = {
  vpcId: "vpc-0abc",
  vpcCidr: "10.30.0.0/16",
  publicSubnetIds: ["subnet-pub-a", "subnet-pub-b", "subnet-pub-c"],
  privateSubnetIds: ["subnet-priv-a", "subnet-priv-b", "subnet-priv-c"],
  isolatedSubnetIds: ["subnet-iso-a", "subnet-iso-b", "subnet-iso-c"],
  albSecurityGroupId: "sg-alb",
  serviceSecurityGroupId: "sg-service",
  databaseSecurityGroupId: "sg-database",
  cacheSecurityGroupId: "sg-cache",
  kmsKeyArn: `arn:aws:kms:eu-west-1:${FAKE_ACCOUNT_ID}:key/network-key`,
  alertTopicArn: `arn:aws:sns:eu-west-1:${FAKE_ACCOUNT_ID}:platform-alerts`,
} satisfies Partial<LayerOutputMap["network"]>;

export async function installMocks(options: MockOptions): Promise<MockRecorder> {
  const resources: RecordedResource[] = [];
  const references: string[] = [];
  const projectToLayer = new Map(Object.entries(LAYER_PROJECTS).map(([layer, project]) => [project, layer as Layer]));

  await simulate({
    project: options.project,
    stack: options.stack,
    organization: options.organization ?? "organization",
    region: options.region ?? "eu-west-1",
    stackOutputs: (name) => {
      const layer = projectToLayer.get(name.split("/")[1] ?? "");
      return layer ? { ...fakeLayerOutputs(layer, options.stack), ...(options.upstream?.[layer] ?? {}) } : {};
    },
    onRegister: (resource) => {
      if (resource.type === STACK_REFERENCE) references.push(resource.id ?? resource.name);
      else resources.push(resource);
    },
  });

  return {
    resources,
    references,
    ofType: (type) => resources.filter((r) => r.type === type),
    one: (type, name) => {
      const found = resources.filter((r) => r.type === type && (name === undefined || r.name === name));
      if (found.length !== 1) {
        throw new Error(`expected one ${type}${name ? ` named ${name}` : ""}, found ${found.length}: ${found.map((r) => r.name).join(", ") || "none"}`);
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
 * the moment its constructor runs (waitForRegistrations drains that queue); a quiet period of `quietMs`
 * without a new record follows for registrations started by an apply that ran late.
 */
export async function settleResources(recorder: MockRecorder, quietMs = 30, timeoutMs = 15_000): Promise<void> {
  await waitForRegistrations();
  const started = Date.now();
  let count = -1;
  while (count !== recorder.resources.length) {
    if (Date.now() - started > timeoutMs) throw new Error(`resources still registering after ${timeoutMs} ms (${recorder.resources.length} so far)`);
    count = recorder.resources.length;
    await new Promise((resolve) => setTimeout(resolve, quietMs));
  }
}

export interface LayerRun {
  readonly recorder: MockRecorder;
  /** The program's outputs, resolved. */
  readonly outputs: Record<string, unknown>;
  /** Recorded resources except the stack itself. */
  readonly resources: RecordedResource[];
  /** Resource options each resource was constructed with, by `${type}::${name}`. */
  readonly options: ReadonlyMap<string, pulumi.CustomResourceOptions>;
}

export interface LayerRunOptions extends MockOptions {
  /** Loads the program after the mocks are in place (a static import would run it before). */
  readonly load: () => Promise<() => Record<string, pulumi.Input<unknown>>>;
}

/**
 * The stacks' test runner: installs the mocks, runs the program inside a stack (so a stack transformation
 * sees each resource's options: protect, provider, aliases) and waits until every resource is registered.
 */
export async function runLayerProgram(options: LayerRunOptions): Promise<LayerRun> {
  const recorder = await installMocks(options);
  const build = await options.load();
  const resourceOptions = new Map<string, pulumi.CustomResourceOptions>();
  let program: Record<string, pulumi.Input<unknown>> = {};
  await pulumi.runtime.runInPulumiStack(() => {
    pulumi.runtime.registerStackTransformation((args) => {
      resourceOptions.set(`${args.type}::${args.name}`, args.opts);
      return undefined;
    });
    program = build();
    return Promise.resolve(undefined);
  });
  const outputs = await settle(program);
  await settleResources(recorder);
  return { recorder, outputs, options: resourceOptions, resources: recorder.resources.filter((r) => r.type !== "pulumi:pulumi:Stack") };
}

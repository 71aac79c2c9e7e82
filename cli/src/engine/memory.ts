import { DevctlError } from "../errors";
import {
  IMAGE_CONFIG_KEY,
  countSteps,
  type Engine,
  type LayerPreview,
  type OperationOptions,
  type PolicyViolation,
  type PreviewOptions,
  type PreviewStep,
  type StackOutputs,
  type StackRef,
  type UpdateOutcome,
  type UpdateRecord,
} from "./engine";
import { isMandatory, policyViolationError, violationLine } from "./policy";

/** One stack as the in-memory engine keeps it. */
export interface MemoryStack {
  config: Record<string, string>;
  outputs: Record<string, unknown>;
  /** Oldest first (the engine returns it newest first, like Pulumi). */
  history: UpdateRecord[];
  /** Resources in the stack's state (the stack resource not counted). */
  resources: number;
  /** URNs of resources with Pulumi's `protect` option: a destroy fails on them, as the real engine's does. */
  protected?: string[];
}

type Operation = "preview" | "previewRefresh" | "up" | "destroy";

/**
 * An Engine that keeps stacks in memory, for tests of the orchestration. Tests script it: the steps a
 * preview/up would take, drift, failures per operation and layer, and the outputs an update produces.
 */
export class MemoryEngine implements Engine {
  /** Every operation in call order, e.g. "up staging/network". */
  readonly calls: string[] = [];
  readonly stacks = new Map<string, MemoryStack>();
  /** Steps a preview (and the next up) of a stack would take; default none. */
  readonly planned = new Map<string, PreviewStep[]>();
  /** Steps a refresh-preview finds (drift). */
  readonly drift = new Map<string, PreviewStep[]>();
  /**
   * What the policy packs find in a preview or up of a stack: advisory findings are reported, a mandatory
   * one fails the run with POLICY_VIOLATION, as the Automation adapter does.
   */
  readonly policy = new Map<string, PolicyViolation[]>();
  /** Errors to throw, keyed "<operation> <env>/<layer>". */
  readonly failures = new Map<string, Error>();
  private clock = Date.parse("2026-11-01T10:00:00Z");

  /** How an update's outputs follow from the stack's config (e.g. compute's imageRef from its image). */
  constructor(private readonly outputsFor: (ref: StackRef, config: Readonly<Record<string, string>>) => Record<string, unknown> = () => ({})) {}

  static key(ref: StackRef): string {
    return `${ref.environment}/${ref.layer}`;
  }

  stack(ref: StackRef): MemoryStack {
    const key = MemoryEngine.key(ref);
    let stack = this.stacks.get(key);
    if (!stack) {
      stack = { config: {}, outputs: {}, history: [], resources: 0 };
      this.stacks.set(key, stack);
    }
    return stack;
  }

  /** Seeds a deployed stack: its config, outputs and (oldest-first) history. */
  seed(ref: StackRef, stack: Partial<MemoryStack>): MemoryStack {
    const target = this.stack(ref);
    Object.assign(target, { resources: 1, ...stack });
    return target;
  }

  /** Like the real engine: the state holds resources (a failed first update leaves some; a destroy none). */
  isDeployed(ref: StackRef): Promise<boolean> {
    return Promise.resolve((this.stacks.get(MemoryEngine.key(ref))?.resources ?? 0) > 0);
  }

  async preview(ref: StackRef, options: PreviewOptions = {}): Promise<LayerPreview> {
    this.record("preview", ref, options.configOverrides ? ` ${JSON.stringify(options.configOverrides)}` : "");
    await this.fail("preview", ref);
    const violations = this.checkPolicy(ref, options);
    const steps = [...(this.planned.get(MemoryEngine.key(ref)) ?? [])];
    steps.push(...this.imageSteps(ref, options.configOverrides));
    for (const step of steps) options.onProgress?.(`${step.op} ${step.type} ${step.name}`);
    return { layer: ref.layer, counts: countSteps(steps), steps, violations };
  }

  /**
   * What the compute program would change about its image: it runs with the config it is given (the stack's
   * config file, overridden) against what the stack's state says runs. No pin = a build from source.
   */
  private imageSteps(ref: StackRef, overrides: PreviewOptions["configOverrides"]): PreviewStep[] {
    const stack = this.stacks.get(MemoryEngine.key(ref));
    const deployed = stack?.history.findLast((u) => u.kind === "update" && u.result === "succeeded");
    if (ref.layer !== "compute" || !stack || !deployed) return [];
    const wanted = overrides && IMAGE_CONFIG_KEY in overrides ? (overrides[IMAGE_CONFIG_KEY] ?? undefined) : stack.config[IMAGE_CONFIG_KEY];
    // A pin changes the task definition when it is not what runs; a build from source changes it only when
    // the last update ran a pinned image (the same source builds the same image).
    if (wanted !== undefined ? wanted === stack.outputs.imageRef : deployed.config[IMAGE_CONFIG_KEY] === undefined) return [];
    const urn = (type: string, name: string): string => `urn:pulumi:${ref.environment}::platform-compute::${type}::${name}`;
    const taskDefinition: PreviewStep = {
      op: "update",
      urn: urn("aws:ecs/taskDefinition:TaskDefinition", "service"),
      type: "aws:ecs/taskDefinition:TaskDefinition",
      name: "service",
      diffs: ["containerDefinitions"],
    };
    if (wanted !== undefined) return [taskDefinition];
    return [{ op: "create", urn: urn("docker-build:index:Image", "image"), type: "docker-build:index:Image", name: "image" }, taskDefinition];
  }

  async previewRefresh(ref: StackRef, options: OperationOptions = {}): Promise<LayerPreview> {
    this.record("previewRefresh", ref);
    await this.fail("previewRefresh", ref);
    const steps = [...(this.drift.get(MemoryEngine.key(ref)) ?? [])];
    for (const step of steps) options.onProgress?.(`drift ${step.type} ${step.name}`);
    return { layer: ref.layer, counts: countSteps(steps), steps };
  }

  async up(ref: StackRef, options: OperationOptions = {}): Promise<UpdateOutcome> {
    this.record("up", ref);
    const stack = this.stack(ref);
    const failure = this.failures.get(`up ${MemoryEngine.key(ref)}`);
    if (failure) {
      // The engine keeps what it created before the failure; outputs are registered only at the end.
      stack.resources += (this.planned.get(MemoryEngine.key(ref)) ?? []).filter((step) => step.op === "create").length;
      this.pushHistory(stack, "update", "failed", options.message);
      throw failure;
    }
    let violations: PolicyViolation[];
    try {
      violations = this.checkPolicy(ref, options);
    } catch (error) {
      // The engine checks each resource before its step: a mandatory finding stops the update there.
      this.pushHistory(stack, "update", "failed", options.message);
      throw error;
    }
    const steps = this.planned.get(MemoryEngine.key(ref)) ?? [];
    for (const step of steps) options.onProgress?.(`${step.op} ${step.type} ${step.name}`);
    this.planned.delete(MemoryEngine.key(ref));
    stack.outputs = this.outputsFor(ref, stack.config);
    stack.resources = Math.max(1, stack.resources);
    this.pushHistory(stack, "update", "succeeded", options.message);
    await Promise.resolve();
    return { layer: ref.layer, counts: countSteps(steps), outputs: { ...stack.outputs }, durationMs: 1000, violations };
  }

  async destroy(ref: StackRef, options: OperationOptions = {}): Promise<UpdateOutcome> {
    this.record("destroy", ref);
    await this.fail("destroy", ref);
    const stack = this.stack(ref);
    const [kept] = stack.protected ?? [];
    if (kept !== undefined) {
      throw new DevctlError(
        "OPERATION_FAILED",
        `${ref.layer}/${ref.environment}: error: update failed; error: resource "${kept}" cannot be deleted because it is protected`,
      );
    }
    const deleted = stack.resources;
    stack.resources = 0;
    stack.outputs = {};
    this.pushHistory(stack, "destroy", "succeeded", options.message);
    return { layer: ref.layer, counts: { create: 0, update: 0, replace: 0, delete: deleted, same: 0 }, outputs: {}, durationMs: 1000 };
  }

  outputs(ref: StackRef): Promise<StackOutputs> {
    return Promise.resolve({ ...(this.stacks.get(MemoryEngine.key(ref))?.outputs ?? {}) });
  }

  history(ref: StackRef, limit?: number): Promise<UpdateRecord[]> {
    const all = [...(this.stacks.get(MemoryEngine.key(ref))?.history ?? [])].reverse();
    return Promise.resolve(limit === undefined ? all : all.slice(0, limit));
  }

  getConfig(ref: StackRef, key: string): Promise<string | undefined> {
    return Promise.resolve(this.stacks.get(MemoryEngine.key(ref))?.config[key]);
  }

  setConfig(ref: StackRef, key: string, value: string): Promise<void> {
    this.record("setConfig", ref, ` ${key}=${value}`);
    this.stack(ref).config[key] = value;
    return Promise.resolve();
  }

  removeConfig(ref: StackRef, key: string): Promise<void> {
    const stack = this.stacks.get(MemoryEngine.key(ref));
    if (stack && key in stack.config) {
      this.record("removeConfig", ref, ` ${key}`);
      delete stack.config[key];
    }
    return Promise.resolve();
  }

  /** The shape `pulumi stack export` prints: the stack resource and one entry per resource, secrets as ciphertext. */
  exportState(ref: StackRef): Promise<unknown> {
    const count = this.stacks.get(MemoryEngine.key(ref))?.resources ?? 0;
    const urn = (type: string, name: string): string => `urn:pulumi:${ref.environment}::platform-${ref.layer}::${type}::${name}`;
    const resources =
      count === 0
        ? []
        : [
            { urn: urn("pulumi:pulumi:Stack", `platform-${ref.layer}-${ref.environment}`), custom: false, type: "pulumi:pulumi:Stack" },
            ...Array.from({ length: count }, (_, i) => ({
              urn: urn("memory:index:Resource", `r${i}`),
              custom: true,
              type: "memory:index:Resource",
              outputs: {},
            })),
            ...(this.stacks.get(MemoryEngine.key(ref))?.protected ?? []).map((protectedUrn) => ({
              urn: protectedUrn,
              custom: true,
              protect: true,
              type: protectedUrn.slice(protectedUrn.lastIndexOf("$") + 1, protectedUrn.lastIndexOf("::")),
              outputs: {},
            })),
          ];
    return Promise.resolve({
      version: 3,
      deployment: {
        manifest: { time: new Date(this.clock).toISOString() },
        secrets_providers: { type: "passphrase", state: { salt: "v1:memory" } },
        resources,
      },
    });
  }

  private record(operation: Operation | "setConfig" | "removeConfig", ref: StackRef, extra = ""): void {
    this.calls.push(`${operation} ${MemoryEngine.key(ref)}${extra}`);
  }

  /** Streams the stack's findings as the adapter does; throws POLICY_VIOLATION when one is mandatory. */
  private checkPolicy(ref: StackRef, options: OperationOptions): PolicyViolation[] {
    const violations = [...(this.policy.get(MemoryEngine.key(ref)) ?? [])];
    for (const violation of violations) options.onProgress?.(`policy ${violationLine(violation)}`);
    if (violations.some(isMandatory)) throw policyViolationError(ref, violations);
    return violations;
  }

  private async fail(operation: Operation, ref: StackRef): Promise<void> {
    await Promise.resolve();
    const failure = this.failures.get(`${operation} ${MemoryEngine.key(ref)}`);
    if (failure) throw failure;
  }

  private pushHistory(stack: MemoryStack, kind: UpdateRecord["kind"], result: UpdateRecord["result"], message = ""): void {
    this.clock += 60_000;
    stack.history.push({
      version: stack.history.length + 1,
      kind,
      result,
      startTime: new Date(this.clock - 30_000),
      endTime: new Date(this.clock),
      message,
      config: { ...stack.config },
    });
  }
}

/** A lock error as the Automation adapter maps it, for tests that need one. */
export function stackLockedError(ref: StackRef): DevctlError {
  return new DevctlError(
    "STACK_LOCKED",
    `another update holds the lock of stack ${ref.layer}/${ref.environment}`,
    `wait for it to finish; if the process that held it is gone, run \`pulumi cancel --stack ${ref.environment} --yes\` in stacks/${ref.layer}`,
  );
}

import type { Layer } from "@platform/infra/layers";

/**
 * What devctl's orchestration needs from a deployment engine, one layer stack at a time. The Automation API
 * adapter (automation.ts) implements it against real stacks; the in-memory engine (memory.ts) backs the tests.
 * Stack name = environment name; the layer decides the project (stacks/<layer>).
 */
export interface StackRef {
  readonly environment: string;
  readonly layer: Layer;
}

/** A resource operation, normalised: a replacement's create/delete halves count once as "replace". */
export type StepOp = "create" | "update" | "replace" | "delete" | "same" | "read" | "refresh" | "import";

export interface PreviewStep {
  readonly op: StepOp;
  readonly urn: string;
  /** Type token, e.g. aws:rds/instance:Instance. */
  readonly type: string;
  /** Logical name (the URN's last segment). */
  readonly name: string;
  /** Top-level properties that change. */
  readonly diffs?: readonly string[];
  /** Inputs before and after, when the engine reports them (used by the risk rules). */
  readonly oldInputs?: Readonly<Record<string, unknown>>;
  readonly newInputs?: Readonly<Record<string, unknown>>;
}

export interface ChangeCounts {
  create: number;
  update: number;
  replace: number;
  delete: number;
  same: number;
}

/** A policy pack's finding on one resource (or on the whole stack), from the engine's policy events. */
export interface PolicyViolation {
  /** The rule's name, e.g. security-group-ingress (policy/src/rules/). */
  readonly policy: string;
  readonly pack: string;
  /** As the engine reports it: "advisory", "mandatory" or "remediate". */
  readonly level: string;
  readonly urn?: string;
  readonly type?: string;
  readonly name?: string;
  /** The rule's description and what it found, on one line. */
  readonly message: string;
}

export interface LayerPreview {
  readonly layer: Layer;
  readonly counts: ChangeCounts;
  /** Every step except "same". */
  readonly steps: readonly PreviewStep[];
  /** The policy packs' findings of a run that passed (advisory ones); a mandatory one fails the run instead. */
  readonly violations?: readonly PolicyViolation[];
}

export type UpdateResultState = "succeeded" | "failed" | "in-progress" | "not-started";
export type UpdateKind = "update" | "preview" | "refresh" | "rename" | "destroy" | "import";

/** One entry of a stack's update history. */
export interface UpdateRecord {
  /**
   * The update's number, 1 = the stack's first update: the backend's own when it keeps one, else (a file
   * backend, which leaves every version 0) its position in the full history. Rollback --to names it.
   */
  readonly version: number;
  readonly kind: UpdateKind;
  readonly result: UpdateResultState;
  readonly startTime: Date;
  readonly endTime?: Date;
  /** The message devctl attached (e.g. "devctl promote prod from staging"). */
  readonly message: string;
  /** The stack configuration the update ran with (key -> plain value; secrets are "[secret]"). */
  readonly config: Readonly<Record<string, string>>;
  readonly resourceChanges?: Readonly<Partial<Record<string, number>>>;
}

export type StackOutputs = Readonly<Record<string, unknown>>;

export interface OperationOptions {
  /** One human-readable line per resource event; devctl writes them to stderr. */
  readonly onProgress?: (line: string) => void;
  /** Attached to the update in the stack's history (rollback reads it back). */
  readonly message?: string;
}

export interface PreviewOptions extends OperationOptions {
  /**
   * Preview as if these stack config values were set, null as if unset (the image an `up` would pin, promote
   * --preview). The stack and its config file are left as they were.
   */
  readonly configOverrides?: Readonly<Record<string, string | null>>;
}

export interface UpdateOutcome {
  readonly layer: Layer;
  readonly counts: ChangeCounts;
  readonly outputs: StackOutputs;
  readonly durationMs: number;
  /** Advisory policy findings of the update. */
  readonly violations?: readonly PolicyViolation[];
}

export interface Engine {
  /**
   * True when the layer's state holds resources (besides the stack and its providers): also after a failed
   * first update (resources, no outputs yet); false after a destroy, and when there is no stack.
   */
  isDeployed(ref: StackRef): Promise<boolean>;
  /**
   * What an update would change. Runs from a temporary config file (the stack's own, with the overrides
   * applied): the stack config file is never edited. A stack that did not exist is removed again.
   * Rejects with POLICY_VIOLATION, naming every mandatory finding, when a policy pack stops it.
   */
  preview(ref: StackRef, options?: PreviewOptions): Promise<LayerPreview>;
  /**
   * Refresh-preview: the steps are the drift between state and the cloud, from what each read found
   * (update with the changed keys, delete for a resource gone from the cloud). The stack must exist.
   */
  previewRefresh(ref: StackRef, options?: OperationOptions): Promise<LayerPreview>;
  /**
   * Creates the stack when missing (and uses another process's when it won the race to create it). Rejects
   * with POLICY_VIOLATION, like preview, when a policy pack stops the update.
   */
  up(ref: StackRef, options?: OperationOptions): Promise<UpdateOutcome>;
  /** The stack must exist. */
  destroy(ref: StackRef, options?: OperationOptions): Promise<UpdateOutcome>;
  /** Outputs of the last update; an empty object for a stack that does not exist. */
  outputs(ref: StackRef): Promise<StackOutputs>;
  /** Newest first: the `limit` newest updates, or the whole history when no limit is given; [] for no stack. */
  history(ref: StackRef, limit?: number): Promise<UpdateRecord[]>;
  /**
   * The stack config file of this checkout (stacks/<layer>/Pulumi.<env>.yaml, git-ignored): what the next
   * update runs with. Not what is deployed: read outputs or history for that.
   */
  getConfig(ref: StackRef, key: string): Promise<string | undefined>;
  setConfig(ref: StackRef, key: string, value: string): Promise<void>;
  removeConfig(ref: StackRef, key: string): Promise<void>;
  /**
   * The stack's state as `pulumi stack export` writes it, secrets as ciphertext (never --show-secrets). Taken
   * without the stack's lock: see actions/backup.ts for how devctl checks it against the update that follows.
   */
  exportState(ref: StackRef): Promise<unknown>;
}

/** Stack config key the compute layer reads its promoted image from: `<repository>@sha256:<64 hex>`. */
export const IMAGE_CONFIG_KEY = "platform-compute:image";

export function emptyCounts(): ChangeCounts {
  return { create: 0, update: 0, replace: 0, delete: 0, same: 0 };
}

export function countSteps(steps: readonly PreviewStep[], same = 0): ChangeCounts {
  const counts = emptyCounts();
  counts.same = same;
  for (const step of steps) {
    if (step.op === "create" || step.op === "update" || step.op === "replace" || step.op === "delete") counts[step.op] += 1;
    else if (step.op === "same") counts.same += 1;
  }
  return counts;
}

export function hasChanges(counts: ChangeCounts): boolean {
  return counts.create + counts.update + counts.replace + counts.delete > 0;
}

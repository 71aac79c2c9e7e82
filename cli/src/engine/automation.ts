import { execFile } from "node:child_process";
import * as fs from "node:fs";
import * as os from "node:os";
import * as path from "node:path";
// A CommonJS folder without an exports map: ESM import() needs the file itself.
import type * as automation from "@pulumi/pulumi/automation/index.js";
import { DevctlError } from "../errors";
import { mapAutomationError, stackArgs, stackConfigFile, workspaceOptions, type AutomationSettings } from "./automation-options";
import { EXPORT_ARGS, parseExport, previewConfig, stateHasResources } from "./automation-state";
import { isMandatory, policyViolationError, violationFromEvent, violationLine } from "./policy";
import {
  countSteps,
  type Engine,
  type LayerPreview,
  type OperationOptions,
  type PolicyViolation,
  type PreviewOptions,
  type PreviewStep,
  type StackOutputs,
  type StackRef,
  type StepOp,
  type UpdateOutcome,
  type UpdateRecord,
} from "./engine";

type StackArgs = ReturnType<typeof stackArgs>;
type WorkspaceOptions = ReturnType<typeof workspaceOptions>;

/** The part of a Stack devctl uses (automation.Stack has it); tests hand in fakes. */
export interface StackHandle extends HistorySource {
  readonly name: string;
  readonly workspace: { removeStack(stackName: string): Promise<void> };
  preview(opts: automation.PreviewOptions): Promise<unknown>;
  previewRefresh(opts: automation.RefreshOptions): Promise<unknown>;
  up(opts: automation.UpOptions): Promise<{ outputs: automation.OutputMap }>;
  destroy(opts: automation.DestroyOptions): Promise<unknown>;
  outputs(): Promise<automation.OutputMap>;
  getAllConfig(): Promise<automation.ConfigMap>;
  setConfig(key: string, value: automation.ConfigValue): Promise<void>;
  removeConfig(key: string): Promise<void>;
}

/** How the engine reaches Pulumi: the Automation API by default. */
export interface AutomationBackend {
  /** Selects an existing stack; rejects with a StackNotFoundError when there is none. */
  selectStack(args: StackArgs, opts: WorkspaceOptions): Promise<StackHandle>;
  /** Creates a stack; rejects with a StackAlreadyExistsError when another process made it first. */
  createStack(args: StackArgs, opts: WorkspaceOptions): Promise<StackHandle>;
  /** Runs `pulumi <args> --stack <stack>` in the layer's folder with the workspace's settings; resolves to stdout. */
  runCli(args: readonly string[], stackName: string, opts: WorkspaceOptions): Promise<string>;
}

/** The Automation API, loaded on first use so `devctl --help` stays instant. */
export function automationBackend(): AutomationBackend {
  let api: Promise<typeof automation> | undefined;
  const load = (): Promise<typeof automation> => (api ??= import("@pulumi/pulumi/automation/index.js"));
  return {
    selectStack: async (args, opts) => (await load()).LocalWorkspace.selectStack(args, opts),
    createStack: async (args, opts) => (await load()).LocalWorkspace.createStack(args, opts),
    // For what the SDK has no call for (it exports state only with --show-secrets). The SDK's own
    // command runner is internal; this runs the same `pulumi` with the same environment.
    runCli: (args, stackName, opts) =>
      new Promise((resolve, reject) => {
        execFile(
          "pulumi",
          [...args, "--stack", stackName, "--non-interactive"],
          { cwd: opts.workDir, env: { ...process.env, ...opts.envVars, PULUMI_AUTOMATION_API: "true" }, maxBuffer: 1024 * 1024 * 1024 },
          // A failure's message is "Command failed: …" and the CLI's stderr, which the error mapping reads.
          (error, stdout) => (error ? reject(new Error(error.message, { cause: error })) : resolve(stdout)),
        );
      }),
  };
}

/**
 * The Engine on the Pulumi Automation API: each layer is a local program (stacks/<layer>) in its own
 * workspace, so each operation runs in its own engine process and layers can preview concurrently.
 * The only module that touches `@pulumi/pulumi/automation`.
 *
 * The stack config file stacks/<layer>/Pulumi.<env>.yaml is git-ignored scratch, not the source of truth:
 * what is deployed (the pinned image, the secrets provider) is read from the stack's state, and a preview
 * runs from a temporary copy of the file so it never changes what another command in this checkout sees.
 */
export class AutomationEngine implements Engine {
  constructor(
    private readonly settings: AutomationSettings,
    /** Raw engine output (DEVCTL_DEBUG); the resource events become progress lines either way. */
    private readonly rawOutput?: (text: string) => void,
    private readonly backend: AutomationBackend = automationBackend(),
  ) {
    if (settings.localStateDir) fs.mkdirSync(settings.localStateDir, { recursive: true });
  }

  /** The layer's stack, or undefined when it does not exist. */
  private async select(ref: StackRef): Promise<StackHandle | undefined> {
    try {
      return await this.backend.selectStack(stackArgs(this.settings, ref), workspaceOptions(this.settings, ref));
    } catch (error) {
      if (error instanceof Error && error.name === "StackNotFoundError") return undefined;
      throw mapAutomationError(error, ref);
    }
  }

  /** The layer's stack, created when missing; `created` says whether this call made it. */
  private async open(ref: StackRef): Promise<{ stack: StackHandle; created: boolean }> {
    const existing = await this.select(ref);
    if (existing) return { stack: existing, created: false };
    try {
      return { stack: await this.backend.createStack(stackArgs(this.settings, ref), workspaceOptions(this.settings, ref)), created: true };
    } catch (error) {
      // Another process created it between our select and create: use theirs.
      if (error instanceof Error && error.name === "StackAlreadyExistsError") {
        const theirs = await this.select(ref);
        if (theirs) return { stack: theirs, created: false };
      }
      throw mapAutomationError(error, ref);
    }
  }

  private async existing(ref: StackRef, operation: string): Promise<StackHandle> {
    const stack = await this.select(ref);
    if (stack) return stack;
    throw new DevctlError(
      "OPERATION_FAILED",
      `cannot ${operation} ${ref.layer}/${ref.environment}: the stack does not exist (never deployed)`,
      `deploy it first: devctl up ${ref.environment} --layer ${ref.layer}`,
    );
  }

  private async guard<T>(ref: StackRef, operation: () => Promise<T>): Promise<T> {
    try {
      return await operation();
    } catch (error) {
      throw mapAutomationError(error, ref);
    }
  }

  /**
   * Like guard, for a run with the policy packs: the engine fails it with a bare "preview failed" when a pack
   * finds a mandatory violation, so the violations it sent as events become the error.
   */
  private async policed<T>(ref: StackRef, events: StepCollector, operation: () => Promise<T>): Promise<T> {
    try {
      return await operation();
    } catch (error) {
      if (events.violations.some(isMandatory)) throw policyViolationError(ref, events.violations, error);
      throw mapAutomationError(error, ref);
    }
  }

  /** The state without decrypting its secrets (`pulumi stack export`, no --show-secrets). */
  private async exportEncrypted(ref: StackRef): Promise<unknown> {
    return parseExport(await this.guard(ref, () => this.backend.runCli(EXPORT_ARGS, ref.environment, workspaceOptions(this.settings, ref))));
  }

  /** Deployed = the state holds resources: a failed first update leaves some without outputs; a destroy leaves none. */
  async isDeployed(ref: StackRef): Promise<boolean> {
    if (!(await this.select(ref))) return false;
    return stateHasResources(await this.exportEncrypted(ref));
  }

  async preview(ref: StackRef, options: PreviewOptions = {}): Promise<LayerPreview> {
    const { stack, created } = await this.open(ref);
    const folder = fs.mkdtempSync(path.join(os.tmpdir(), "devctl-preview-"));
    try {
      // A temporary copy of the stack's config file with the overrides applied: the checkout's file is never
      // edited, so a concurrent `up` or an interrupted preview cannot leave an override behind.
      const configFile = path.join(folder, `Pulumi.${ref.environment}.yaml`);
      fs.writeFileSync(configFile, previewConfig(readIfExists(stackConfigFile(this.settings, ref)), options.configOverrides ?? {}), { mode: 0o600 });
      const events = new StepCollector(options.onProgress);
      await this.policed(ref, events, () =>
        stack.preview({
          message: options.message,
          onEvent: events.onEvent,
          onOutput: this.rawOutput,
          diff: false,
          policyPacks: [...this.settings.policyPacks],
          configFile,
        }),
      );
      return { layer: ref.layer, counts: countSteps(events.steps(), events.same), steps: events.steps(), violations: events.violations };
    } finally {
      fs.rmSync(folder, { recursive: true, force: true });
      // A preview of a never-deployed layer needs a stack; it leaves none behind.
      if (created) await stack.workspace.removeStack(stack.name).catch(() => undefined);
    }
  }

  async previewRefresh(ref: StackRef, options: OperationOptions = {}): Promise<LayerPreview> {
    // previewRefresh lists only what differs between state and the cloud; preview({ refresh: true })
    // would mix drift with the code changes not yet deployed.
    const stack = await this.existing(ref, "check drift of");
    const events = new StepCollector(options.onProgress, true);
    await this.guard(ref, () => stack.previewRefresh({ message: options.message, onEvent: events.onEvent, onOutput: this.rawOutput }));
    return { layer: ref.layer, counts: countSteps(events.steps(), events.same), steps: events.steps() };
  }

  async up(ref: StackRef, options: OperationOptions = {}): Promise<UpdateOutcome> {
    const { stack } = await this.open(ref);
    const events = new StepCollector(options.onProgress);
    const started = Date.now();
    const result = await this.policed(ref, events, () =>
      stack.up({ message: options.message, onEvent: events.onEvent, onOutput: this.rawOutput, policyPacks: [...this.settings.policyPacks] }),
    );
    return {
      layer: ref.layer,
      counts: countSteps(events.steps(), events.same),
      outputs: plainOutputs(result.outputs),
      durationMs: Date.now() - started,
      violations: events.violations,
    };
  }

  async destroy(ref: StackRef, options: OperationOptions = {}): Promise<UpdateOutcome> {
    const stack = await this.existing(ref, "destroy");
    const events = new StepCollector(options.onProgress);
    const started = Date.now();
    await this.guard(ref, () => stack.destroy({ message: options.message, onEvent: events.onEvent, onOutput: this.rawOutput }));
    return { layer: ref.layer, counts: countSteps(events.steps(), events.same), outputs: {}, durationMs: Date.now() - started };
  }

  async outputs(ref: StackRef): Promise<StackOutputs> {
    const stack = await this.select(ref);
    if (!stack) return {};
    return plainOutputs(await this.guard(ref, () => stack.outputs()));
  }

  async history(ref: StackRef, limit?: number): Promise<UpdateRecord[]> {
    const stack = await this.select(ref);
    if (!stack) return [];
    return this.guard(ref, () => readHistory(stack, limit));
  }

  async getConfig(ref: StackRef, key: string): Promise<string | undefined> {
    const stack = await this.select(ref);
    if (!stack) return undefined;
    return (await this.guard(ref, () => stack.getAllConfig()))[key]?.value;
  }

  async setConfig(ref: StackRef, key: string, value: string): Promise<void> {
    const { stack } = await this.open(ref);
    await this.guard(ref, () => stack.setConfig(key, { value }));
  }

  async removeConfig(ref: StackRef, key: string): Promise<void> {
    const stack = await this.select(ref);
    if (!stack) return;
    const all = await this.guard(ref, () => stack.getAllConfig());
    if (key in all) await this.guard(ref, () => stack.removeConfig(key));
  }

  async exportState(ref: StackRef): Promise<unknown> {
    if (!(await this.select(ref))) return { version: 3, deployment: {}, note: `stack ${ref.layer}/${ref.environment} did not exist yet` };
    return this.exportEncrypted(ref);
  }
}

function readIfExists(file: string): string | undefined {
  try {
    return fs.readFileSync(file, "utf8");
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === "ENOENT") return undefined;
    throw error;
  }
}

/** What readHistory needs of a Stack: one page of `pulumi stack history --json`, newest first. */
export interface HistorySource {
  history(pageSize?: number, page?: number, showSecrets?: boolean): Promise<automation.UpdateSummary[]>;
}

/** Entries asked for per `pulumi stack history` call. */
export const HISTORY_PAGE_SIZE = 100;

/**
 * A stack's update history, newest first, `limit` entries or all of them. The SDK passes no page size
 * unless given one and the CLI then returns its default page (10), so this pages until a short page.
 * A file backend leaves every version 0: those entries are numbered from the full listing (oldest = 1),
 * which needs every page; a backend that numbers its updates is read only as far as the limit.
 */
export async function readHistory(source: HistorySource, limit?: number): Promise<UpdateRecord[]> {
  const summaries: automation.UpdateSummary[] = [];
  for (let page = 1; ; page += 1) {
    // Secrets stay encrypted: devctl only needs to know a value was secret.
    const batch = await source.history(HISTORY_PAGE_SIZE, page, false);
    summaries.push(...batch);
    if (batch.length < HISTORY_PAGE_SIZE) break;
    if (limit !== undefined && summaries.length >= limit && summaries.every((u) => u.version > 0)) break;
  }
  const total = summaries.length;
  return summaries.slice(0, limit).map((u, index) => ({
    version: u.version > 0 ? u.version : total - index,
    kind: u.kind,
    result: u.result,
    startTime: new Date(u.startTime),
    endTime: u.endTime ? new Date(u.endTime) : undefined,
    message: u.message ?? "",
    config: Object.fromEntries(Object.entries(u.config ?? {}).map(([k, v]) => [k, v.secret ? "[secret]" : v.value])),
    resourceChanges: u.resourceChanges,
  }));
}

/** Outputs as plain values; secrets stay hidden. */
export function plainOutputs(outputs: automation.OutputMap): StackOutputs {
  return Object.fromEntries(Object.entries(outputs).map(([key, output]) => [key, output.secret ? "[secret]" : (output.value as unknown)]));
}

const REPLACE_OPS = new Set(["replace", "create-replacement", "delete-replaced", "read-replacement", "import-replacement", "discard-replaced"]);

/** Maps an engine op to devctl's: the halves of a replacement count once as "replace". */
export function normaliseOp(op: string): StepOp {
  if (REPLACE_OPS.has(op)) return "replace";
  if (op === "discard") return "delete";
  if (op === "create" || op === "update" || op === "delete" || op === "same" || op === "read" || op === "refresh" || op === "import") return op;
  return "update";
}

/** The stack itself and provider resources are bookkeeping, not resources a user changes. */
function isInternal(type: string): boolean {
  return type === "pulumi:pulumi:Stack" || type.startsWith("pulumi:providers:");
}

/** Top-level keys whose values differ (a provider's refresh may report no diffs of its own). */
function changedKeys(before: Record<string, unknown> | undefined, after: Record<string, unknown> | undefined): string[] | undefined {
  if (!before || !after) return undefined;
  const keys = [...new Set([...Object.keys(before), ...Object.keys(after)])];
  return keys.filter((key) => JSON.stringify(before[key]) !== JSON.stringify(after[key])).sort();
}

function nameOf(urn: string): string {
  return urn.slice(urn.lastIndexOf("::") + 2);
}

/**
 * Collects resource steps and policy findings from engine events and turns them into progress lines. For a
 * refresh (`refresh` = true) the steps come from the outputs events, where the engine reports what the read found.
 */
export class StepCollector {
  private readonly byUrn = new Map<string, PreviewStep>();
  same = 0;
  /** Every policy finding, in the order the engine sent them. */
  readonly violations: PolicyViolation[] = [];
  private readonly started = Date.now();

  constructor(
    private readonly onProgress?: (line: string) => void,
    private readonly refresh = false,
  ) {}

  readonly onEvent = (event: automation.EngineEvent): void => {
    const pre = event.resourcePreEvent?.metadata;
    // A refresh's pre-event is sent before the read (op "refresh", new = old, no diffs): it says nothing yet.
    if (pre && !this.refresh) this.onStep(pre);
    const done = event.resOutputsEvent?.metadata;
    if (done && this.refresh) this.onRefreshed(done);
    else if (done && done.op !== "same" && !isInternal(done.type)) {
      this.onProgress?.(`${normaliseOp(done.op)} ${done.type} ${nameOf(done.urn)} done (${Math.round((Date.now() - this.started) / 1000)}s)`);
    }
    const failed = event.resOpFailedEvent?.metadata;
    if (failed) this.onProgress?.(`FAILED ${failed.op} ${failed.type} ${nameOf(failed.urn)}`);
    if (event.policyEvent) {
      const violation = violationFromEvent(event.policyEvent);
      this.violations.push(violation);
      this.onProgress?.(`policy ${violationLine(violation)}`);
    }
    const diagnostic = event.diagnosticEvent;
    if (diagnostic && (diagnostic.severity === "error" || diagnostic.severity === "warning") && !diagnostic.ephemeral) {
      this.onProgress?.(`${diagnostic.severity}: ${diagnostic.message.trim()}`);
    }
  };

  private onStep(pre: automation.StepEventMetadata): void {
    if (isInternal(pre.type)) return;
    const op = normaliseOp(pre.op);
    if (op === "same") {
      this.same += 1;
      return;
    }
    const existing = this.byUrn.get(pre.urn);
    if (existing && existing.op === "replace") return;
    this.byUrn.set(pre.urn, {
      op,
      urn: pre.urn,
      type: pre.type,
      name: nameOf(pre.urn),
      diffs: pre.diffs,
      oldInputs: pre.old?.inputs as Record<string, unknown> | undefined,
      newInputs: pre.new?.inputs as Record<string, unknown> | undefined,
    });
    this.onProgress?.(`${op} ${pre.type} ${nameOf(pre.urn)}`);
  }

  /**
   * The outcome of one resource's read: the engine sends RefreshStep.ResultOp() (same, update, or delete
   * when the resource is gone, then without `new`) and the changed keys on the outputs event.
   */
  private onRefreshed(done: automation.StepEventMetadata): void {
    if (isInternal(done.type)) return;
    // The engine sends `new: null` for a resource the read did not find.
    const op: StepOp = done.op === "delete" || done.new == null ? "delete" : done.op === "same" ? "same" : "update";
    if (op === "same") {
      this.same += 1;
      return;
    }
    this.byUrn.set(done.urn, {
      op,
      urn: done.urn,
      type: done.type,
      name: nameOf(done.urn),
      diffs: done.diffs?.length ? done.diffs : changedKeys(done.old?.outputs, done.new?.outputs),
      oldInputs: done.old?.inputs as Record<string, unknown> | undefined,
      newInputs: done.new?.inputs as Record<string, unknown> | undefined,
    });
    const step = this.byUrn.get(done.urn);
    this.onProgress?.(`drift: ${op} ${done.type} ${nameOf(done.urn)} (${op === "delete" ? "gone from the cloud" : step?.diffs?.join(", ") || "changed"})`);
  }

  steps(): PreviewStep[] {
    return [...this.byUrn.values()];
  }
}

import * as fs from "node:fs";
// A CommonJS folder without an exports map: ESM import() needs the file itself.
import type * as automation from "@pulumi/pulumi/automation/index.js";
import { mapAutomationError, stackArgs, workspaceOptions, type AutomationSettings } from "./automation-options";
import {
  countSteps,
  type Engine,
  type LayerPreview,
  type OperationOptions,
  type PreviewOptions,
  type PreviewStep,
  type StackOutputs,
  type StackRef,
  type StepOp,
  type UpdateOutcome,
  type UpdateRecord,
} from "./engine";

type Automation = typeof automation;

/**
 * The Engine on the Pulumi Automation API: each layer is a local program (stacks/<layer>) in its own
 * workspace, so each operation runs in its own engine process and layers can preview concurrently.
 * The only module that touches `@pulumi/pulumi/automation`; it is loaded on first use.
 */
export class AutomationEngine implements Engine {
  private api: Promise<Automation> | undefined;

  constructor(
    private readonly settings: AutomationSettings,
    /** Raw engine output (DEVCTL_DEBUG); the resource events become progress lines either way. */
    private readonly rawOutput?: (text: string) => void,
  ) {
    if (settings.localStateDir) fs.mkdirSync(settings.localStateDir, { recursive: true });
  }

  private load(): Promise<Automation> {
    this.api ??= import("@pulumi/pulumi/automation/index.js");
    return this.api;
  }

  private async stack(ref: StackRef, create: boolean): Promise<automation.Stack | undefined> {
    const api = await this.load();
    try {
      const args = stackArgs(this.settings, ref);
      const opts = workspaceOptions(this.settings, ref);
      return create ? await api.LocalWorkspace.createOrSelectStack(args, opts) : await api.LocalWorkspace.selectStack(args, opts);
    } catch (error) {
      if (!create && error instanceof Error && error.name === "StackNotFoundError") return undefined;
      throw mapAutomationError(error, ref);
    }
  }

  private async run<T>(ref: StackRef, operation: (stack: automation.Stack) => Promise<T>): Promise<T> {
    const stack = await this.stack(ref, true);
    if (!stack) throw new Error(`stack ${ref.layer}/${ref.environment} could not be created`);
    try {
      return await operation(stack);
    } catch (error) {
      throw mapAutomationError(error, ref);
    }
  }

  async isDeployed(ref: StackRef): Promise<boolean> {
    const stack = await this.stack(ref, false);
    if (!stack) return false;
    try {
      return Object.keys(await stack.outputs()).length > 0;
    } catch (error) {
      throw mapAutomationError(error, ref);
    }
  }

  preview(ref: StackRef, options: PreviewOptions = {}): Promise<LayerPreview> {
    return this.run(ref, async (stack) => {
      const overrides = Object.entries(options.configOverrides ?? {});
      const previous = new Map<string, automation.ConfigValue | undefined>();
      for (const [key] of overrides) previous.set(key, await stack.getConfig(key).catch(() => undefined));
      try {
        for (const [key, value] of overrides) await stack.setConfig(key, { value });
        const events = new StepCollector(options.onProgress);
        await stack.preview({
          message: options.message,
          onEvent: events.onEvent,
          onOutput: this.rawOutput,
          diff: false,
          policyPacks: [...this.settings.policyPacks],
        });
        return { layer: ref.layer, counts: countSteps(events.steps(), events.same), steps: events.steps() };
      } finally {
        for (const [key, value] of previous) {
          if (value === undefined) await stack.removeConfig(key);
          else await stack.setConfig(key, value);
        }
      }
    });
  }

  previewRefresh(ref: StackRef, options: OperationOptions = {}): Promise<LayerPreview> {
    // previewRefresh lists only what differs between state and the cloud; preview({ refresh: true })
    // would mix drift with the code changes not yet deployed.
    return this.run(ref, async (stack) => {
      const events = new StepCollector(options.onProgress, true);
      await stack.previewRefresh({ message: options.message, onEvent: events.onEvent, onOutput: this.rawOutput });
      return { layer: ref.layer, counts: countSteps(events.steps(), events.same), steps: events.steps() };
    });
  }

  up(ref: StackRef, options: OperationOptions = {}): Promise<UpdateOutcome> {
    return this.run(ref, async (stack) => {
      const events = new StepCollector(options.onProgress);
      const started = Date.now();
      const result = await stack.up({
        message: options.message,
        onEvent: events.onEvent,
        onOutput: this.rawOutput,
        policyPacks: [...this.settings.policyPacks],
      });
      return { layer: ref.layer, counts: countSteps(events.steps(), events.same), outputs: plainOutputs(result.outputs), durationMs: Date.now() - started };
    });
  }

  destroy(ref: StackRef, options: OperationOptions = {}): Promise<UpdateOutcome> {
    return this.run(ref, async (stack) => {
      const events = new StepCollector(options.onProgress);
      const started = Date.now();
      await stack.destroy({ message: options.message, onEvent: events.onEvent, onOutput: this.rawOutput });
      return { layer: ref.layer, counts: countSteps(events.steps(), events.same), outputs: {}, durationMs: Date.now() - started };
    });
  }

  async outputs(ref: StackRef): Promise<StackOutputs> {
    const stack = await this.stack(ref, false);
    if (!stack) return {};
    try {
      return plainOutputs(await stack.outputs());
    } catch (error) {
      throw mapAutomationError(error, ref);
    }
  }

  async history(ref: StackRef, limit?: number): Promise<UpdateRecord[]> {
    const stack = await this.stack(ref, false);
    if (!stack) return [];
    try {
      return await readHistory(stack, limit);
    } catch (error) {
      throw mapAutomationError(error, ref);
    }
  }

  async getConfig(ref: StackRef, key: string): Promise<string | undefined> {
    const stack = await this.stack(ref, false);
    if (!stack) return undefined;
    const all = await stack.getAllConfig().catch((error: unknown) => {
      throw mapAutomationError(error, ref);
    });
    return all[key]?.value;
  }

  setConfig(ref: StackRef, key: string, value: string): Promise<void> {
    return this.run(ref, (stack) => stack.setConfig(key, { value }));
  }

  async removeConfig(ref: StackRef, key: string): Promise<void> {
    const stack = await this.stack(ref, false);
    if (!stack) return;
    const all = await stack.getAllConfig();
    if (key in all) await stack.removeConfig(key).catch((error: unknown) => Promise.reject(mapAutomationError(error, ref)));
  }

  async exportState(ref: StackRef): Promise<unknown> {
    const stack = await this.stack(ref, false);
    if (!stack) return { version: 3, deployment: {}, note: `stack ${ref.layer}/${ref.environment} did not exist yet` };
    try {
      return await stack.exportStack();
    } catch (error) {
      throw mapAutomationError(error, ref);
    }
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

function nameOf(urn: string): string {
  return urn.slice(urn.lastIndexOf("::") + 2);
}

/**
 * Collects resource steps from engine events and turns them into progress lines. For a refresh
 * (`refresh` = true) the steps come from the outputs events, where the engine reports what the read found.
 */
export class StepCollector {
  private readonly byUrn = new Map<string, PreviewStep>();
  same = 0;
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
    const op: StepOp = done.op === "delete" || done.new === undefined ? "delete" : done.op === "same" ? "same" : "update";
    if (op === "same") {
      this.same += 1;
      return;
    }
    this.byUrn.set(done.urn, {
      op,
      urn: done.urn,
      type: done.type,
      name: nameOf(done.urn),
      diffs: done.diffs,
      oldInputs: done.old?.inputs as Record<string, unknown> | undefined,
      newInputs: done.new?.inputs as Record<string, unknown> | undefined,
    });
    this.onProgress?.(`drift: ${op} ${done.type} ${nameOf(done.urn)} (${op === "delete" ? "gone from the cloud" : (done.diffs ?? []).join(", ") || "changed"})`);
  }

  steps(): PreviewStep[] {
    return [...this.byUrn.values()];
  }
}

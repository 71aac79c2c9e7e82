import { REPOSITORY_ROOT } from "@platform/infra/environment";
import type { Layer } from "@platform/infra/layers";
import { DevctlError } from "../errors";
import type { Io } from "../io";
import { deferClosureModules } from "../plan/defer-closure-modules";
import { planDocument, printPlan } from "../plan/print-plan";
import type { Action } from "./context";

export interface PlanOptions {
  readonly environment: string;
  /** Layers to show (their upstream layers are evaluated too); empty = all. */
  readonly layers: readonly Layer[];
  readonly json: boolean;
}

/**
 * Runs `devctl plan`. DEVCTL_PLAN_ROOT points at another tree of stacks/<layer>/src/program.ts (tests use
 * fixture programs); environment files always come from the repository.
 */
export const runPlan: Action<PlanOptions> = async (options, { io }) => {
  const started = Date.now();
  // Pulumi's runtime logs with console.log when no engine is attached: keep stdout for the plan alone.
  const restore = redirectConsole(io);
  // Pulumi captures a stack trace for every promise it makes (leak diagnostics): about a third of a plan's
  // time. Programs' errors keep their messages; DEVCTL_DEBUG=1 brings the traces back.
  const stackTraceLimit = Error.stackTraceLimit;
  if (!io.env.DEVCTL_DEBUG) Error.stackTraceLimit = 0;
  let plan;
  try {
    // Before anything loads Pulumi: see defer-closure-modules.ts (about 35 MiB of the plan's peak memory).
    deferClosureModules();
    const { collectPlan } = await import("../plan/collect-plan.js");
    plan = await collectPlan({
      environment: options.environment,
      layers: options.layers,
      programRoot: io.env.DEVCTL_PLAN_ROOT ?? REPOSITORY_ROOT,
      progress: (message) => io.err(`plan: ${message}`),
    });
  } finally {
    Error.stackTraceLimit = stackTraceLimit;
    restore();
  }
  io.out(options.json ? JSON.stringify(planDocument(plan), null, 2) : printPlan(plan));
  io.err(`plan: done in ${((Date.now() - started) / 1000).toFixed(1)} s`);
  const mandatory = plan.violations.filter((v) => v.level === "mandatory");
  if (mandatory.length > 0) {
    const policies = [...new Set(mandatory.map((v) => v.policy))];
    throw new DevctlError(
      "POLICY_VIOLATION",
      `${mandatory.length} mandatory policy violation(s) in ${plan.environment.name}: ${policies.join(", ")}`,
      "Fix the resources listed above (the rules live in policy/src/rules/), then run devctl plan again.",
    );
  }
};

function redirectConsole(io: Io): () => void {
  const saved = { log: console.log, info: console.info, warn: console.warn, error: console.error, debug: console.debug };
  const toErr = (...args: unknown[]) => io.err(args.map((a) => (typeof a === "string" ? a : JSON.stringify(a))).join(" "));
  console.log = console.info = console.warn = console.error = console.debug = toErr;
  return () => Object.assign(console, saved);
}

/**
 * `devctl dr drill <env>`: restore → smoke → report → destroy, in <env>-dr, which never takes traffic; the
 * drill (duration, RPO, outcome) is recorded in the release ledger. Meant for a schedule (dr-drill.yml).
 */
import { LAYERS } from "@platform/infra/layers";
import { DevctlError } from "../errors";
import { LedgerClient, type DrillRecord } from "../ledger/ledger-client";
import { prepare, printResult, progressFor, type Action, type ActionContext } from "./context";
import { executeRestore, planRestore, restoreText, type DrRestoreResult } from "./dr-restore";

export interface DrDrillOptions {
  readonly environment: string;
  readonly yes: boolean;
  readonly json: boolean;
}

export interface DrDrillResult {
  readonly command: "dr drill";
  readonly environment: string;
  readonly recoveryEnvironment: string;
  readonly outcome: "passed" | "failed";
  readonly restore?: DrRestoreResult;
  /** Why the drill failed (restore error, objective missed, smoke, teardown); empty when it passed. */
  readonly problems: readonly string[];
  readonly destroyed: readonly string[];
  readonly recorded: boolean;
}

export const runDrDrill: Action<DrDrillOptions> = async (options, context) => {
  const action = await prepare(options.environment, context);
  const result = await drill(action, options);
  printResult(action.io, options.json, result, () => drillText(result));
  if (result.outcome === "failed") {
    throw new DevctlError(
      "OPERATION_FAILED",
      `restore drill of ${result.environment} failed: ${result.problems.join("; ")}`,
      "see the report above and docs/runbooks.md#restore-database-dr",
    );
  }
};

async function drill(action: ActionContext, options: DrDrillOptions): Promise<DrDrillResult> {
  const { io, environment, services } = action;
  const startedAt = services.now();
  const problems: string[] = [];
  const restoreOptions = { environment: environment.name, latest: true, yes: options.yes, json: options.json, disposable: true };
  // A refusal (an existing recovery environment, no backups, no confirmation) is not a drill result: it is
  // reported as it is, and whatever exists is left alone.
  const plan = await planRestore(action, restoreOptions);
  const recoveryEnvironment = plan.recovery.name;
  let restore: DrRestoreResult | undefined;
  try {
    restore = await executeRestore(action, restoreOptions, plan);
    if (!restore.smoke.ok) problems.push(`smoke checks failed: ${restore.smoke.failed.join(", ")}`);
    problems.push(...restore.missed);
  } catch (error) {
    problems.push(`restore failed: ${error instanceof Error ? error.message : String(error)}`);
  }

  // Tear down whatever the drill created, newest layer first, even after a failure.
  const destroyed: string[] = [];
  for (const layer of [...LAYERS].reverse()) {
    const ref = { environment: recoveryEnvironment, layer };
    if (!(await services.engine.isDeployed(ref))) continue;
    try {
      await services.engine.destroy(ref, { message: `devctl dr drill ${environment.name}`, onProgress: progressFor(io, `${recoveryEnvironment}/${layer}`) });
      destroyed.push(layer);
    } catch (error) {
      problems.push(
        `destroying ${recoveryEnvironment}/${layer} failed (destroy it by hand: devctl destroy ${recoveryEnvironment} --force-prod): ${error instanceof Error ? error.message : String(error)}`,
      );
      break;
    }
  }

  const outcome = problems.length === 0 ? "passed" : "failed";
  const finishedAt = services.now();
  let recorded = false;
  const ledger = LedgerClient.fromEnv(io, services.now);
  if (ledger) {
    // A failed drill is recorded too, from what was planned: that is what the schedule is for.
    const record: DrillRecord = {
      environment: environment.name,
      recoveryEnvironment,
      region: plan.recovery.awsRegion,
      outcome,
      restorePoint: plan.point.time.toISOString(),
      imageDigest: plan.image.slice(plan.image.indexOf("@") + 1),
      rpoSeconds: Math.max(0, Math.round(restore ? restore.rpoMinutes * 60 : (startedAt.getTime() - plan.point.time.getTime()) / 1000)),
      rtoSeconds: Math.round(restore ? restore.rtoMinutes * 60 : (finishedAt.getTime() - startedAt.getTime()) / 1000),
      startedAt: startedAt.toISOString(),
      finishedAt: finishedAt.toISOString(),
      ...(problems.length > 0 ? { notes: problems.join("; ").slice(0, 2000) } : {}),
    };
    recorded = await ledger.recordDrill(record);
  } else {
    io.err("warning: DEVCTL_LEDGER_URL/DEVCTL_LEDGER_TOKEN not set; the drill is not recorded in the ledger");
  }
  return { command: "dr drill", environment: environment.name, recoveryEnvironment, outcome, ...(restore ? { restore } : {}), problems, destroyed, recorded };
}

function drillText(r: DrDrillResult): string {
  return [
    `restore drill of ${r.environment} in ${r.recoveryEnvironment}: ${r.outcome.toUpperCase()}`,
    ...(r.restore ? [restoreText(r.restore).trimEnd()] : []),
    ...r.problems.map((p) => `  problem: ${p}`),
    `  destroyed: ${r.destroyed.join(", ") || "nothing"}; recorded in the ledger: ${r.recorded ? "yes" : "no"}`,
    "",
  ].join("\n");
}

import { type Pool } from "pg";
import { DORA_AGGREGATES, DORA_WINDOW } from "./query";

// One number for every instance of the job, wherever it runs (Lambda, ECS task, a laptop): a second run started
// while one is computing skips instead of computing the same numbers again.
export const DORA_SNAPSHOT_LOCK = 7_341_020_018;

/** Runs older than this are deleted by the next run: the API reads only the newest. */
const KEEP_RUNS_DAYS = 35;

export interface DoraSnapshotOptions {
  /** The windows (days) to compute. */
  readonly windows: readonly number[];
  /**
   * The schedule's own time for this run (EventBridge Scheduler's scheduled-time): a second delivery of the same
   * scheduled run does nothing. Undefined (a run by hand): always computes.
   */
  readonly scheduledFor?: Date;
  /** Who started it, kept with the run: "schedule", "command", … */
  readonly trigger: string;
  /** The job's statement timeout; the API's (a few seconds) is too short for a year-long window. */
  readonly statementTimeoutMs: number;
}

export type DoraSnapshotResult =
  { status: "computed"; runId: string; computedAt: string; windows: number[]; rows: number; durationMs: number } | { status: "skipped"; reason: string };

/**
 * Every environment and all of them together, in one scan of the window (releases_window_idx): GROUPING SETS
 * gives the per-environment rows and the total. The total row exists even for an empty window.
 */
const WINDOW_QUERY = `
  SELECT CASE WHEN GROUPING(environment) = 1 THEN '' ELSE environment END AS environment, ${DORA_AGGREGATES}
  FROM releases WHERE ${DORA_WINDOW}
  GROUP BY GROUPING SETS ((environment), ())`;

/**
 * Computes the DORA metrics of every window for every environment into a new run of dora_snapshot_runs, in one
 * REPEATABLE READ transaction: every window sees the same ledger and ends at the same instant (now()), and the
 * API sees the whole run or none of it. Under an advisory lock: a run started while another computes skips.
 */
export async function computeDoraSnapshot(pool: Pool, options: DoraSnapshotOptions): Promise<DoraSnapshotResult> {
  if (options.windows.length === 0) throw new Error("no DORA windows to compute: set DORA_SNAPSHOT_WINDOWS (e.g. 7,30,90)");
  const started = Date.now();
  const client = await pool.connect();
  let broken = false;
  let locked = false;
  try {
    // A session lock taken before the transaction: a REPEATABLE READ snapshot is taken by the transaction's first
    // statement, so a lock taken inside it could be granted after a previous run committed rows this snapshot
    // cannot see (and the scheduled-time check below would miss that run).
    const { rows: lock } = await client.query<{ ok: boolean }>("SELECT pg_try_advisory_lock($1) AS ok", [DORA_SNAPSHOT_LOCK]);
    locked = lock[0]!.ok;
    if (!locked) return { status: "skipped", reason: "another DORA snapshot run is computing now; its result will serve" };
    await client.query("BEGIN ISOLATION LEVEL REPEATABLE READ");
    await client.query("SELECT set_config('statement_timeout', $1, true)", [String(options.statementTimeoutMs)]);
    if (options.scheduledFor !== undefined) {
      const { rows } = await client.query<{ id: string }>("SELECT id FROM dora_snapshot_runs WHERE scheduled_for = $1", [options.scheduledFor]);
      if (rows[0]) {
        await client.query("ROLLBACK");
        return { status: "skipped", reason: `the run scheduled for ${options.scheduledFor.toISOString()} is already done (run ${rows[0].id})` };
      }
    }

    const windows = Array.from(new Set(options.windows)).sort((a, b) => a - b);
    const environments: string[] = [];
    const days: number[] = [];
    const columns: Record<"deployments" | "successful" | "failures" | "lead" | "restore", (number | null)[]> = {
      deployments: [],
      successful: [],
      failures: [],
      lead: [],
      restore: [],
    };
    for (const window of windows) {
      const { rows } = await client.query<{
        environment: string;
        deployments: number;
        successful: number;
        failures: number;
        lead: number | null;
        restore: number | null;
      }>(WINDOW_QUERY, [window]);
      for (const row of rows) {
        environments.push(row.environment);
        days.push(window);
        for (const key of Object.keys(columns) as (keyof typeof columns)[]) columns[key].push(row[key]);
      }
    }

    const { rows: run } = await client.query<{ id: string; computed_at: Date }>(
      `INSERT INTO dora_snapshot_runs (computed_at, scheduled_for, windows, duration_ms, trigger)
       VALUES (now(), $1, $2, $3, $4) RETURNING id, computed_at`,
      [options.scheduledFor ?? null, windows, Date.now() - started, options.trigger],
    );
    const runId = run[0]!.id;
    await client.query(
      `INSERT INTO dora_snapshots (run_id, environment, days, deployments, successful, failures, lead_seconds, restore_seconds)
       SELECT $1, * FROM unnest($2::text[], $3::int[], $4::int[], $5::int[], $6::int[], $7::float8[], $8::float8[])`,
      [runId, environments, days, columns.deployments, columns.successful, columns.failures, columns.lead, columns.restore],
    );
    await client.query("DELETE FROM dora_snapshot_runs WHERE computed_at < now() - make_interval(days => $1)", [KEEP_RUNS_DAYS]);
    await client.query("COMMIT");
    return {
      status: "computed",
      runId,
      computedAt: run[0]!.computed_at.toISOString(),
      windows,
      rows: environments.length,
      durationMs: Date.now() - started,
    };
  } catch (error) {
    await client.query("ROLLBACK").catch(() => (broken = true));
    throw explain(error);
  } finally {
    // A connection that cannot unlock is dropped, which releases its lock.
    if (locked && !broken) await client.query("SELECT pg_advisory_unlock($1)", [DORA_SNAPSHOT_LOCK]).catch(() => (broken = true));
    client.release(broken);
  }
}

/** The one failure an operator can fix from the message alone: the job ran before the service migrated. */
function explain(error: unknown): unknown {
  if ((error as { code?: string }).code === "42P01") {
    return new Error(
      "the DORA snapshot tables do not exist yet: the service creates them when it starts (or run `pnpm --filter @platform/service migrate`), then run the job again",
      { cause: error },
    );
  }
  return error;
}

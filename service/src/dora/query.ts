/**
 * What the DORA metrics mean, in one place: /v1/metrics/dora's live query, the snapshot job (./snapshot.ts), the
 * snapshot read and the dashboard's trend all use these, so every path answers alike.
 */
import { type DoraMetrics } from "../schemas/api-types";

/** Deployments that went out (a rollback went out first); and those that failed, a rollback counting as a failure. */
export const SUCCESSFUL = "status IN ('succeeded', 'rolled_back')";
export const FAILED = "status IN ('failed', 'rolled_back')";

/**
 * Seconds from a failure to its restore, one definition for /v1/metrics/dora and the dashboard's trend: a
 * rollback restores service itself; a failed deploy is restored by the next deploy of its service and
 * environment that succeeds, recorded on the failure as restored_at when that deploy is written (migration
 * 1764400000000). Null for everything else and for a failure not yet restored; percentile_cont skips nulls.
 */
export const RESTORE_SECONDS =
  "extract(epoch FROM CASE status WHEN 'rolled_back' THEN rolled_back_at WHEN 'failed' THEN restored_at END - finished_at)::float8";

/**
 * The median lead time of the rows aggregated: commit to finish of the deployments that succeeded. Rows from
 * before the order checks (migration 1764100000000) may have a commit after the finish; such a negative time is
 * left out.
 */
export const MEDIAN_LEAD_SECONDS = `percentile_cont(0.5) WITHIN GROUP (ORDER BY extract(epoch FROM finished_at - committed_at)::float8)
          FILTER (WHERE ${SUCCESSFUL} AND finished_at >= committed_at)`;

/**
 * The DORA aggregates over one window (or one trend bucket) of finished releases, shared by the live query, the
 * snapshot job and the trend, so all answer alike. `$1` is the window in days.
 */
export const DORA_AGGREGATES = `
        count(*)::int AS deployments,
        (count(*) FILTER (WHERE ${SUCCESSFUL}))::int AS successful,
        (count(*) FILTER (WHERE ${FAILED}))::int AS failures,
        ${MEDIAN_LEAD_SECONDS} AS lead,
        percentile_cont(0.5) WITHIN GROUP (ORDER BY ${RESTORE_SECONDS}) AS restore`;
export const DORA_WINDOW = "status <> 'started' AND started_at >= now() - make_interval(days => $1::int)";

/**
 * One index-only scan of the window (releases_window_idx covers every column used, restored_at included)
 * feeding the aggregates directly: no per-failure look-up and no materialised copy of the window. The
 * environment filter is part of the text, not `$1 IS NULL OR …`, so a prepared plan stays right for
 * both forms.
 */
export function doraQuery(environment: string | undefined, days: number): { text: string; values: unknown[] } {
  const values: unknown[] = [days];
  if (environment !== undefined) values.push(environment);
  return {
    text: `
      SELECT ${DORA_AGGREGATES},
        now() - make_interval(days => $1::int) AS "from",
        now() AS "to"
      FROM releases
      WHERE ${DORA_WINDOW}
        ${environment !== undefined ? "AND environment = $2" : ""}`,
    values,
  };
}

/** The aggregates of one window, as the live query and the snapshot table hold them. */
export interface DoraAggregates {
  deployments: number;
  successful: number;
  failures: number;
  lead: number | null;
  restore: number | null;
}

/**
 * The newest snapshot run, if it is younger than $3 seconds and holds a $1-day window, with that window's row
 * for environment $2 ('' = all). A run without a row for the environment saw no finished release of it in the
 * window: its answer is zero deployments, not "unknown".
 */
export const DORA_SNAPSHOT_READ = `
  SELECT r.computed_at AS "to", r.computed_at - make_interval(days => $1::int) AS "from",
    COALESCE(s.deployments, 0) AS deployments, COALESCE(s.successful, 0) AS successful, COALESCE(s.failures, 0) AS failures,
    s.lead_seconds AS lead, s.restore_seconds AS restore
  FROM (SELECT id, computed_at, windows FROM dora_snapshot_runs ORDER BY computed_at DESC LIMIT 1) r
  LEFT JOIN dora_snapshots s ON s.run_id = r.id AND s.environment = $2 AND s.days = $1
  WHERE $1::int = ANY (r.windows) AND r.computed_at > now() - make_interval(secs => $3::int)`;

/** The metrics of a window of `days` from its aggregates, rounded alike for /v1/metrics/dora and the trend. */
export function doraMetricsOf(r: DoraAggregates, days: number) {
  return {
    deployments: r.deployments,
    failedDeployments: r.failures,
    deploymentFrequencyPerDay: Math.round((r.successful / days) * 1000) / 1000,
    changeFailureRate: r.deployments > 0 ? Math.round((r.failures / r.deployments) * 1000) / 1000 : null,
    medianLeadTimeSeconds: r.lead === null ? null : Math.round(r.lead),
    medianTimeToRestoreSeconds: r.restore === null ? null : Math.round(r.restore),
  };
}

/** One definition of the response, from either source. */
export function toDoraMetrics(
  r: DoraAggregates,
  window: { environment: string | undefined; days: number; from: Date; to: Date; source: DoraMetrics["source"] },
): DoraMetrics {
  const { environment, days, from, to } = window;
  return {
    environment: environment ?? null,
    days,
    from: from.toISOString(),
    to: to.toISOString(),
    successfulDeployments: r.successful,
    ...doraMetricsOf(r, days),
    source: window.source,
    computedAt: to.toISOString(),
  };
}

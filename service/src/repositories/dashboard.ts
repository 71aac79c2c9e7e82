import fp from "fastify-plugin";
import { type Database } from "../db/database";
import { RESTORE_SECONDS } from "../dora/query";
import { type ReleaseStatus } from "./releases";

/** One environment × service cell: what runs there and the most recent attempt (which may have failed). */
export interface MatrixCell {
  environment: string;
  service: string;
  current: { releaseId: string; version: string; imageDigest: string; releasedAt: string; actor: string } | null;
  latest: { releaseId: string; version: string; status: ReleaseStatus; startedAt: string; actor: string };
}

export interface DoraTrendPoint {
  from: string;
  deployments: number;
  failedDeployments: number;
  deploymentFrequencyPerDay: number;
  changeFailureRate: number | null;
  medianLeadTimeSeconds: number | null;
  medianTimeToRestoreSeconds: number | null;
}

/** About 15 points whatever the window, so a 90-day chart is as readable as a 30-day one. */
export const bucketDaysFor = (days: number) => Math.max(1, Math.ceil(days / 15));

/** Read models for the web page: the matrix and DORA trends, with the same definitions as `/v1/metrics/dora`. */
export function createDashboardRepository(db: Database) {
  return {
    async matrix(): Promise<MatrixCell[]> {
      const { rows } = await db.query<{
        environment: string;
        service: string;
        latest_id: string;
        latest_version: string;
        latest_status: ReleaseStatus;
        latest_started_at: Date;
        latest_actor: string;
        current_id: string | null;
        current_version: string | null;
        current_digest: string | null;
        current_released_at: Date | null;
        current_actor: string | null;
      }>({
        name: "dashboard-matrix",
        text: `SELECT l.environment, l.service, l.id AS latest_id, l.version AS latest_version, l.status AS latest_status,
                      l.started_at AS latest_started_at, l.actor AS latest_actor,
                      c.id AS current_id, c.version AS current_version, c.image_digest AS current_digest,
                      c.released_at AS current_released_at, c.actor AS current_actor
               FROM (SELECT DISTINCT ON (environment, service) * FROM releases ORDER BY environment, service, created_at DESC, id DESC) l
               LEFT JOIN LATERAL (
                 SELECT id, version, image_digest, actor, COALESCE(finished_at, created_at) AS released_at FROM releases s
                 WHERE s.environment = l.environment AND s.service = l.service AND s.status = 'succeeded'
                 ORDER BY created_at DESC, id DESC LIMIT 1
               ) c ON true
               ORDER BY l.environment, l.service`,
      });
      return rows.map((row) => ({
        environment: row.environment,
        service: row.service,
        current:
          row.current_id === null
            ? null
            : {
                releaseId: row.current_id,
                version: row.current_version!,
                imageDigest: row.current_digest!,
                releasedAt: row.current_released_at!.toISOString(),
                actor: row.current_actor!,
              },
        latest: {
          releaseId: row.latest_id,
          version: row.latest_version,
          status: row.latest_status,
          startedAt: row.latest_started_at.toISOString(),
          actor: row.latest_actor,
        },
      }));
    },

    async doraTrend(environment: string | undefined, days: number): Promise<{ bucketDays: number; points: DoraTrendPoint[] }> {
      const bucketDays = bucketDaysFor(days);
      const { rows } = await db.query<{
        from: Date;
        deployments: number;
        successful: number;
        failures: number;
        lead: number | null;
        restore: number | null;
      }>(
        `WITH bounds AS (SELECT now() - make_interval(days => $2::int) AS start),
         buckets AS (
           SELECT i, (SELECT start FROM bounds) + make_interval(days => i * $3::int) AS "from"
           FROM generate_series(0, ceil($2::numeric / $3::int)::int - 1) AS i
         ),
         win AS (
           SELECT r.*, floor(extract(epoch FROM r.started_at - (SELECT start FROM bounds)) / ($3::int * 86400))::int AS i
           FROM releases r
           WHERE ($1::text IS NULL OR environment = $1) AND status <> 'started' AND started_at >= (SELECT start FROM bounds)
         )
         SELECT b."from",
           (SELECT count(*)::int FROM win w WHERE w.i = b.i) AS deployments,
           (SELECT count(*)::int FROM win w WHERE w.i = b.i AND status IN ('succeeded', 'rolled_back')) AS successful,
           (SELECT count(*)::int FROM win w WHERE w.i = b.i AND status IN ('failed', 'rolled_back')) AS failures,
           (SELECT percentile_cont(0.5) WITHIN GROUP (ORDER BY extract(epoch FROM finished_at - committed_at)::float8)
              FROM win w WHERE w.i = b.i AND status IN ('succeeded', 'rolled_back') AND committed_at IS NOT NULL AND finished_at IS NOT NULL) AS lead,
           (SELECT percentile_cont(0.5) WITHIN GROUP (ORDER BY ${RESTORE_SECONDS}) FROM win w WHERE w.i = b.i) AS restore
         FROM buckets b ORDER BY b.i`,
        [environment ?? null, days, bucketDays],
      );
      return {
        bucketDays,
        points: rows.map((r) => ({
          from: r.from.toISOString(),
          deployments: r.deployments,
          failedDeployments: r.failures,
          deploymentFrequencyPerDay: Math.round((r.successful / bucketDays) * 1000) / 1000,
          changeFailureRate: r.deployments > 0 ? Math.round((r.failures / r.deployments) * 1000) / 1000 : null,
          medianLeadTimeSeconds: r.lead === null ? null : Math.round(r.lead),
          medianTimeToRestoreSeconds: r.restore === null ? null : Math.round(r.restore),
        })),
      };
    },
  };
}

export type DashboardRepository = ReturnType<typeof createDashboardRepository>;

declare module "fastify" {
  interface FastifyInstance {
    dashboard: DashboardRepository;
  }
}

export default fp(
  (app, _opts, done) => {
    app.decorate("dashboard", createDashboardRepository(app.db));
    done();
  },
  { name: "dashboard-repository", dependencies: ["postgres"] },
);

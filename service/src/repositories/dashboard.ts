import fp from "fastify-plugin";
import { type Database } from "../db/database";
import { type DoraAggregates, doraMetricsOf, FAILED, MEDIAN_LEAD_SECONDS, RESTORE_SECONDS, SUCCESSFUL } from "../dora/query";
import { type DoraTrendPoint, type MatrixCell, type ReleaseStatus } from "../schemas/api-types";

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
      const { rows } = await db.query<DoraAggregates & { from: Date }>(
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
           (SELECT count(*)::int FROM win w WHERE w.i = b.i AND ${SUCCESSFUL}) AS successful,
           (SELECT count(*)::int FROM win w WHERE w.i = b.i AND ${FAILED}) AS failures,
           (SELECT ${MEDIAN_LEAD_SECONDS} FROM win w WHERE w.i = b.i) AS lead,
           (SELECT percentile_cont(0.5) WITHIN GROUP (ORDER BY ${RESTORE_SECONDS}) FROM win w WHERE w.i = b.i) AS restore
         FROM buckets b ORDER BY b.i`,
        [environment ?? null, days, bucketDays],
      );
      return {
        bucketDays,
        points: rows.map((r) => ({ from: r.from.toISOString(), ...doraMetricsOf(r, bucketDays) })),
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

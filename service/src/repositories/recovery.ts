import fp from "fastify-plugin";
import { type Database } from "../db/database";
import { type Drill, type NewDrill, type ReleaseAt } from "../schemas/api-types";

const iso = (value: Date | null): string | null => (value === null ? null : value.toISOString());

/**
 * A release ran at T when it finished successfully by T and was not rolled back by T. A release rolled back
 * before T hands back to the one before it, which this query then finds.
 */
export const RELEASE_AT_QUERY = `
  SELECT service, environment, version, image_digest, commit_sha, finished_at, rolled_back_at
  FROM releases
  WHERE environment = $1 AND service = $2 AND status IN ('succeeded', 'rolled_back')
    AND finished_at <= $3 AND (rolled_back_at IS NULL OR rolled_back_at > $3)
  ORDER BY finished_at DESC
  LIMIT 1`;

export function createRecoveryRepository(db: Database) {
  return {
    async releaseAt(environment: string, service: string, time: string): Promise<ReleaseAt | undefined> {
      const { rows } = await db.query<{
        service: string;
        environment: string;
        version: string;
        image_digest: string;
        commit_sha: string;
        finished_at: Date;
        rolled_back_at: Date | null;
      }>(RELEASE_AT_QUERY, [environment, service, time]);
      const row = rows[0];
      return row
        ? {
            service: row.service,
            environment: row.environment,
            version: row.version,
            imageDigest: row.image_digest,
            commitSha: row.commit_sha,
            finishedAt: row.finished_at.toISOString(),
            rolledBackAt: iso(row.rolled_back_at),
          }
        : undefined;
    },

    async recordDrill(input: NewDrill, actor: string): Promise<Drill> {
      const { rows } = await db.query<DrillRow>(
        `INSERT INTO recovery_drills (environment, recovery_environment, region, outcome, restore_point, image_digest, rpo_seconds, rto_seconds, started_at, finished_at, notes, actor)
         VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12)
         RETURNING ${DRILL_COLUMNS}`,
        [
          input.environment,
          input.recoveryEnvironment,
          input.region,
          input.outcome,
          input.restorePoint,
          input.imageDigest,
          input.rpoSeconds,
          input.rtoSeconds,
          input.startedAt,
          input.finishedAt,
          input.notes ?? "",
          actor,
        ],
      );
      return toDrill(rows[0]!);
    },

    async listDrills(environment: string | undefined, limit: number): Promise<Drill[]> {
      const { rows } = await db.query<DrillRow>(
        `SELECT ${DRILL_COLUMNS} FROM recovery_drills WHERE ($1::text IS NULL OR environment = $1) ORDER BY started_at DESC, id DESC LIMIT $2`,
        [environment ?? null, limit],
      );
      return rows.map(toDrill);
    },
  };
}

const DRILL_COLUMNS =
  "id, environment, recovery_environment, region, outcome, restore_point, image_digest, rpo_seconds, rto_seconds, started_at, finished_at, notes, actor, created_at";

interface DrillRow {
  id: string;
  environment: string;
  recovery_environment: string;
  region: string;
  outcome: "passed" | "failed";
  restore_point: Date;
  image_digest: string;
  rpo_seconds: number;
  rto_seconds: number;
  started_at: Date;
  finished_at: Date;
  notes: string;
  actor: string;
  created_at: Date;
}

function toDrill(row: DrillRow): Drill {
  return {
    id: row.id,
    environment: row.environment,
    recoveryEnvironment: row.recovery_environment,
    region: row.region,
    outcome: row.outcome,
    restorePoint: row.restore_point.toISOString(),
    imageDigest: row.image_digest,
    rpoSeconds: row.rpo_seconds,
    rtoSeconds: row.rto_seconds,
    startedAt: row.started_at.toISOString(),
    finishedAt: row.finished_at.toISOString(),
    notes: row.notes,
    actor: row.actor,
    createdAt: row.created_at.toISOString(),
  };
}

export type RecoveryRepository = ReturnType<typeof createRecoveryRepository>;

declare module "fastify" {
  interface FastifyInstance {
    recovery: RecoveryRepository;
  }
}

export default fp(
  (app, _opts, done) => {
    app.decorate("recovery", createRecoveryRepository(app.db));
    done();
  },
  { name: "recovery-repository", dependencies: ["postgres"] },
);

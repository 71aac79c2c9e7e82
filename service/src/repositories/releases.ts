import { createHash } from "node:crypto";
import fp from "fastify-plugin";
import { type PoolClient } from "pg";
import { type Database } from "../db/database";
import { badRequest, conflict, notFound } from "../errors";
import { type Metrics } from "../observability/metrics";
import { type CachedValue, type Cache } from "../plugins/redis";
import { type DoraAggregates, DORA_SNAPSHOT_READ, doraQuery, toDoraMetrics } from "../dora/query";
import { type CurrentService, type DoraMetrics, type NewRelease, type Release, type ReleaseStatus } from "../schemas/api-types";

/** Which states a release may come from to reach each target state. */
export const ALLOWED_FROM: Record<ReleaseStatus, readonly ReleaseStatus[]> = {
  started: [],
  succeeded: ["started"],
  failed: ["started"],
  rolled_back: ["started", "succeeded"],
};

interface ReleaseRow {
  id: string;
  service: string;
  environment: string;
  version: string;
  image_digest: string;
  commit_sha: string;
  committed_at: Date | null;
  status: ReleaseStatus;
  started_at: Date;
  finished_at: Date | null;
  rolled_back_at: Date | null;
  actor: string;
  created_at: Date;
  updated_at: Date;
}

const COLUMNS =
  "id, service, environment, version, image_digest, commit_sha, committed_at, status, started_at, finished_at, rolled_back_at, actor, created_at, updated_at";

const toRelease = (row: ReleaseRow): Release => ({
  id: row.id,
  service: row.service,
  environment: row.environment,
  version: row.version,
  imageDigest: row.image_digest,
  commitSha: row.commit_sha,
  committedAt: row.committed_at?.toISOString() ?? null,
  status: row.status,
  startedAt: row.started_at.toISOString(),
  finishedAt: row.finished_at?.toISOString() ?? null,
  rolledBackAt: row.rolled_back_at?.toISOString() ?? null,
  actor: row.actor,
  createdAt: row.created_at.toISOString(),
  updatedAt: row.updated_at.toISOString(),
});

/** Opaque to clients: the exact (microsecond) position of the last row, so no row is skipped or repeated. */
export function encodeCursor(createdMicros: string, id: string): string {
  return Buffer.from(`${createdMicros}:${id}`).toString("base64url");
}

// Microseconds since the epoch up to the end of year 9999: 18 digits at most, far inside a bigint.
const MAX_CURSOR_MICROS = 253_402_300_799_999_999n;
const CURSOR = /^(\d{1,18}):([0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12})$/;

export function decodeCursor(cursor: string): { createdMicros: string; id: string } {
  const match = CURSOR.exec(Buffer.from(cursor, "base64url").toString());
  if (!match || BigInt(match[1]!) > MAX_CURSOR_MICROS) {
    throw badRequest("querystring.cursor is not a cursor returned by this API; start again without it");
  }
  return { createdMicros: match[1]!, id: match[2]! };
}

/** Canonical JSON (sorted keys), so the same body in another key order is the same request. */
function requestHash(body: NewRelease): Buffer {
  const canonical = JSON.stringify(Object.fromEntries(Object.entries(body).sort(([a], [b]) => a.localeCompare(b))));
  return createHash("sha256").update(canonical).digest();
}

/**
 * The latest succeeded release of each service in one environment. A DISTINCT ON would read every
 * succeeded row of the environment; this walks releases_current_idx instead (a "loose index scan"):
 * one probe for the next service name, one for its newest release, so the cost follows the number of
 * services, not of releases.
 */
export const CURRENT_QUERY = `
  WITH RECURSIVE services(service) AS (
    (SELECT service FROM releases WHERE environment = $1 AND status = 'succeeded' ORDER BY service LIMIT 1)
    UNION ALL
    SELECT (SELECT r.service FROM releases r
            WHERE r.environment = $1 AND r.status = 'succeeded' AND r.service > s.service
            ORDER BY r.service LIMIT 1)
    FROM services s WHERE s.service IS NOT NULL
  )
  SELECT latest.* FROM services s
  CROSS JOIN LATERAL (
    SELECT r.service, r.version, r.image_digest, r.id, COALESCE(r.finished_at, r.created_at) AS released_at
    FROM releases r
    WHERE r.environment = $1 AND r.status = 'succeeded' AND r.service = s.service
    ORDER BY r.created_at DESC, r.id DESC LIMIT 1
  ) AS latest
  WHERE s.service IS NOT NULL
  ORDER BY latest.service`;

const currentKey = (environment: string) => `current:${environment}`;

export function createReleasesRepository(deps: {
  db: Database;
  reportsDb: Database;
  cache: Cache;
  metrics: Metrics;
  cacheTtlSeconds: number;
  /** Serve a DORA snapshot younger than this; 0: always live. */
  doraSnapshotMaxAgeSeconds: number;
}) {
  const { db, reportsDb, cache, metrics } = deps;
  /** The cache read `current` makes unless given one already under way (a route starts it early: plugins/read-ahead.ts). */
  const readCurrent = (environment: string): Promise<CachedValue | undefined> => cache.read(currentKey(environment));

  async function insert(client: PoolClient, input: NewRelease, actor: string): Promise<Release> {
    const status = input.status ?? "started";
    const { rows } = await client.query<ReleaseRow>(
      `INSERT INTO releases (service, environment, version, image_digest, commit_sha, committed_at, status, started_at, finished_at, rolled_back_at, actor)
       VALUES ($1, $2, $3, $4, $5, $6, $7::text, COALESCE($8::timestamptz, now()),
               -- A start reported a little ahead (clock skew) must not end up after its own finish.
               CASE WHEN $7::text = 'started' THEN NULL ELSE GREATEST(now(), $8::timestamptz) END,
               CASE WHEN $7::text = 'rolled_back' THEN GREATEST(now(), $8::timestamptz) ELSE NULL END, $9)
       RETURNING ${COLUMNS}`,
      [input.service, input.environment, input.version, input.imageDigest, input.commitSha, input.committedAt ?? null, status, input.startedAt ?? null, actor],
    );
    return toRelease(rows[0]!);
  }

  async function afterWrite(environment: string): Promise<void> {
    // After the commit, never before: a reader must not refill the cache from the old snapshot.
    await cache.invalidate(currentKey(environment));
  }

  return {
    /**
     * With an idempotency key, the first request stores the release and its response; a retry with the same
     * body gets that response again, a different body is refused. Concurrent retries serialise on the key's row.
     */
    async create(input: NewRelease, principal: { id: string; actor: string }, idempotencyKey?: string): Promise<{ release: Release; replayed: boolean }> {
      const result = await db.transaction(async (client) => {
        if (idempotencyKey === undefined) return { release: await insert(client, input, principal.actor), replayed: false };
        const hash = requestHash(input);
        const claimed = await client.query(
          "INSERT INTO idempotency_keys (principal_id, key, request_hash) VALUES ($1, $2, $3) ON CONFLICT DO NOTHING RETURNING 1",
          [principal.id, idempotencyKey, hash],
        );
        if (claimed.rowCount === 0) {
          const { rows } = await client.query<{ request_hash: Buffer; response: Release | null }>(
            "SELECT request_hash, response FROM idempotency_keys WHERE principal_id = $1 AND key = $2",
            [principal.id, idempotencyKey],
          );
          const previous = rows[0];
          if (!previous?.response || !previous.request_hash.equals(hash)) {
            throw conflict("this Idempotency-Key was already used with a different request body; use a new key for a new release");
          }
          return { release: previous.response, replayed: true };
        }
        const release = await insert(client, input, principal.actor);
        await client.query("UPDATE idempotency_keys SET response = $3 WHERE principal_id = $1 AND key = $2", [principal.id, idempotencyKey, release]);
        return { release, replayed: false };
      });
      if (!result.replayed) {
        metrics.count("ReleasesRecorded");
        await afterWrite(input.environment);
      }
      return result;
    },

    async transition(id: string, status: ReleaseStatus, finishedAt?: string): Promise<Release> {
      const from = ALLOWED_FROM[status];
      const { rows } = await db.query<ReleaseRow>(
        `UPDATE releases SET status = $2::text,
           finished_at = CASE WHEN status = 'started' THEN COALESCE($3::timestamptz, GREATEST(now(), started_at)) ELSE finished_at END,
           rolled_back_at = CASE WHEN $2::text = 'rolled_back' THEN COALESCE($3::timestamptz, GREATEST(now(), started_at, finished_at)) ELSE rolled_back_at END,
           updated_at = now()
         WHERE id = $1 AND status = ANY($4::text[])
         RETURNING ${COLUMNS}`,
        [id, status, finishedAt ?? null, from],
      );
      const updated = rows[0];
      if (!updated) {
        const existing = await db.query<{ status: ReleaseStatus }>("SELECT status FROM releases WHERE id = $1", [id]);
        const current = existing.rows[0];
        if (!current) throw notFound(`release ${id} does not exist`);
        throw conflict(
          `release ${id} is ${current.status}; it cannot become ${status} ` + `(allowed: started → succeeded, failed or rolled_back; succeeded → rolled_back)`,
        );
      }
      metrics.count("ReleaseTransitions");
      await afterWrite(updated.environment);
      return toRelease(updated);
    },

    async get(id: string): Promise<Release | undefined> {
      const { rows } = await db.query<ReleaseRow>({ name: "release-by-id", text: `SELECT ${COLUMNS} FROM releases WHERE id = $1`, values: [id] });
      return rows[0] && toRelease(rows[0]);
    },

    async list(filter: { service?: string; environment?: string; status?: ReleaseStatus; limit: number; cursor?: string }) {
      const where: string[] = [];
      const values: unknown[] = [];
      const add = (sql: (placeholder: string) => string, value: unknown) => {
        values.push(value);
        where.push(sql(`$${values.length}`));
      };
      if (filter.service !== undefined) add((p) => `service = ${p}`, filter.service);
      if (filter.environment !== undefined) add((p) => `environment = ${p}`, filter.environment);
      if (filter.status !== undefined) add((p) => `status = ${p}`, filter.status);
      if (filter.cursor !== undefined) {
        const { createdMicros, id } = decodeCursor(filter.cursor);
        values.push(createdMicros, id);
        where.push(`(created_at, id) < (timestamptz 'epoch' + $${values.length - 1}::bigint * interval '1 microsecond', $${values.length}::uuid)`);
      }
      values.push(filter.limit + 1);
      const { rows } = await db.query<ReleaseRow & { created_us: string }>(
        `SELECT ${COLUMNS}, (extract(epoch FROM created_at) * 1000000)::bigint AS created_us FROM releases
         ${where.length > 0 ? `WHERE ${where.join(" AND ")}` : ""}
         ORDER BY created_at DESC, id DESC LIMIT $${values.length}`,
        values,
      );
      const page = rows.slice(0, filter.limit);
      const last = page.at(-1);
      return { items: page.map(toRelease), nextCursor: rows.length > filter.limit && last ? encodeCursor(last.created_us, last.id) : null };
    },

    readCurrent,

    /** The serialized answer (a hit's are Redis's bytes, sent as they are) and whether it came from Redis. */
    async current(environment: string, read = readCurrent(environment)): Promise<{ body: string | Buffer; hit: boolean }> {
      const key = currentKey(environment);
      const cached = await read;
      if (cached?.value) {
        metrics.count("CacheHits");
        return { body: cached.value, hit: true };
      }
      if (cache.enabled) metrics.count("CacheMisses");
      const { rows } = await db.query<{ service: string; version: string; image_digest: string; id: string; released_at: Date }>({
        name: "current-by-environment",
        text: CURRENT_QUERY,
        values: [environment],
      });
      const services: CurrentService[] = rows.map((r) => ({
        service: r.service,
        version: r.version,
        imageDigest: r.image_digest,
        releaseId: r.id,
        releasedAt: r.released_at.toISOString(),
      }));
      const body = JSON.stringify({ environment, services });
      // Not awaited: the answer is ready, and a slow Redis must not hold it back (fill never throws).
      if (cached) void cache.fill(key, cached.generation, body, deps.cacheTtlSeconds);
      return { body, hit: false };
    },

    /**
     * From the newest snapshot when it is fresh enough and holds this window (a few rows on the main pool);
     * otherwise live, on the reports pool, whose few connections and short queue bound what a flood can cost.
     */
    async dora(environment: string | undefined, days: number): Promise<DoraMetrics> {
      if (deps.doraSnapshotMaxAgeSeconds > 0) {
        const { rows } = await db.query<DoraAggregates & { from: Date; to: Date }>({
          name: "dora-snapshot-read",
          text: DORA_SNAPSHOT_READ,
          values: [days, environment ?? "", deps.doraSnapshotMaxAgeSeconds],
        });
        const snapshot = rows[0];
        if (snapshot) return toDoraMetrics(snapshot, { environment, days, from: snapshot.from, to: snapshot.to, source: "snapshot" });
      }
      const { rows } = await reportsDb.query<DoraAggregates & { from: Date; to: Date }>(doraQuery(environment, days));
      const r = rows[0]!;
      return toDoraMetrics(r, { environment, days, from: r.from, to: r.to, source: "live" });
    },
  };
}

export type ReleasesRepository = ReturnType<typeof createReleasesRepository>;

declare module "fastify" {
  interface FastifyInstance {
    releases: ReleasesRepository;
  }
}

export default fp(
  (app, opts: { cacheTtlSeconds: number; doraSnapshotMaxAgeSeconds: number }, done) => {
    app.decorate("releases", createReleasesRepository({ db: app.db, reportsDb: app.reportsDb, cache: app.cache, metrics: app.metrics, ...opts }));
    done();
  },
  { name: "releases-repository", dependencies: ["postgres", "redis", "metrics"] },
);

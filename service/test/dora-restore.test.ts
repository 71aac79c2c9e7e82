import { Pool } from "pg";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { seedReleases } from "../scripts/seed-releases";
import { doraQuery } from "../src/dora/query";
import { call, createKey, digest, sha, testApp } from "./support/app";
import { REDIS_URL, createTestDatabase, dropRedisKeys, randomPrefix } from "./support/database";

// "Time to restore" of a failed deploy is recorded on the failure (restored_at) when the next success is
// written. These pin that the recorded value is the one the old read computed on every request.

let db: Awaited<ReturnType<typeof createTestDatabase>>;
let ledger: Awaited<ReturnType<typeof testApp>>;
let pool: Pool;
let deployer: string;

beforeAll(async () => {
  db = await createTestDatabase();
  ledger = await testApp({ DATABASE_URL: db.url, REDIS_URL, REDIS_KEY_PREFIX: randomPrefix(), LOG_LEVEL: "warn" });
  deployer = (await createKey(db.url, "deployer")).key;
  pool = new Pool({ connectionString: db.url, max: 12 });
}, 60_000);

afterAll(async () => {
  await Promise.all([ledger?.app.close(), pool?.end()]);
  await Promise.all([db?.drop(), dropRedisKeys()]);
});

/** The definition before restored_at: for each failure, the next successful finish of its service and environment. */
const EXPECTED_RESTORED_AT = `
  SELECT f.id, (SELECT min(s.finished_at) FROM releases s
                WHERE s.service = f.service AND s.environment = f.environment
                  AND s.status IN ('succeeded', 'rolled_back') AND s.finished_at > f.finished_at) AS restored_at
  FROM releases f WHERE f.status = 'failed'`;

async function mismatches(environment: string): Promise<unknown[]> {
  const { rows } = await pool.query(
    `SELECT r.id, r.restored_at AS recorded, e.restored_at AS expected
     FROM releases r JOIN (${EXPECTED_RESTORED_AT}) e USING (id)
     WHERE r.environment = $1 AND r.restored_at IS DISTINCT FROM e.restored_at`,
    [environment],
  );
  return rows;
}

/** The DORA query as it was before restored_at, kept here as the reference the new read must agree with. */
function oldDoraQuery(environment: string | undefined, days: number) {
  const values: unknown[] = [days];
  if (environment !== undefined) values.push(environment);
  return {
    text: `
      WITH win AS MATERIALIZED (
        SELECT service, environment, status, committed_at, finished_at, rolled_back_at FROM releases
        WHERE status <> 'started' AND started_at >= now() - make_interval(days => $1::int)
          ${environment !== undefined ? "AND environment = $2" : ""}
      ),
      restores AS (
        SELECT extract(epoch FROM rolled_back_at - finished_at)::float8 AS seconds FROM win WHERE status = 'rolled_back'
        UNION ALL
        SELECT extract(epoch FROM next.finished_at - f.finished_at)::float8
        FROM win f
        CROSS JOIN LATERAL (
          SELECT s.finished_at FROM releases s
          WHERE s.service = f.service AND s.environment = f.environment AND s.status IN ('succeeded', 'rolled_back') AND s.finished_at > f.finished_at
          ORDER BY s.finished_at LIMIT 1
        ) AS next
        WHERE f.status = 'failed'
      )
      SELECT
        count(*)::int AS deployments,
        (count(*) FILTER (WHERE status IN ('succeeded', 'rolled_back')))::int AS successful,
        (count(*) FILTER (WHERE status IN ('failed', 'rolled_back')))::int AS failures,
        percentile_cont(0.5) WITHIN GROUP (ORDER BY extract(epoch FROM finished_at - committed_at)::float8)
          FILTER (WHERE status IN ('succeeded', 'rolled_back') AND finished_at >= committed_at) AS lead,
        (SELECT percentile_cont(0.5) WITHIN GROUP (ORDER BY seconds) FROM restores) AS restore
      FROM win`,
    values,
  };
}

const at = (minutesAgo: number) => new Date(Date.now() - minutesAgo * 60_000).toISOString();

describe("recorded time to restore", () => {
  it("is the next success's finish, whatever order concurrent writers report starts and finishes in", async () => {
    // Every release is started first, then all finish at once at shuffled times through the API's PATCH on
    // 12 connections: later successes may be written before earlier failures, and each of the pair services
    // has a failure and the success just after it committing at the same moment.
    const outcomes = ["failed", "succeeded", "failed", "rolled_back", "failed", "failed", "succeeded"] as const;
    const plan = [
      ...Array.from({ length: 120 }, (_, n) => ({
        service: `svc-${n % 3}`,
        status: outcomes[n % outcomes.length]!,
        finishedMinutesAgo: 10 + ((n * 37) % 997),
      })),
      ...Array.from({ length: 30 }, (_, n) => [
        { service: `pair-${n}`, status: "failed" as const, finishedMinutesAgo: 60 },
        { service: `pair-${n}`, status: "succeeded" as const, finishedMinutesAgo: 59 },
      ]).flat(),
    ];
    const ids = await Promise.all(
      plan.map(async (p, n) => {
        const created = await call(ledger.app, deployer, {
          method: "POST",
          url: "/v1/releases",
          payload: { service: p.service, environment: "race", version: `1.${n}`, imageDigest: digest(n), commitSha: sha(n), startedAt: at(2000) },
        });
        expect(created.statusCode).toBe(201);
        return created.json<{ id: string }>().id;
      }),
    );
    await Promise.all(
      plan.map(async (p, n) => {
        const patched = await call(ledger.app, deployer, {
          method: "PATCH",
          url: `/v1/releases/${ids[n]}`,
          payload: { status: p.status, finishedAt: at(p.finishedMinutesAgo) },
        });
        expect(patched.statusCode).toBe(200);
      }),
    );
    // Successes written straight to the table (seed scripts, restores) count too, before or after the failure.
    await Promise.all(
      [5, 500, 1500].map((minutes, n) =>
        pool.query(
          `INSERT INTO releases (service, environment, version, image_digest, commit_sha, status, started_at, finished_at, actor)
           VALUES ('svc-0', 'race', $1, $2, $3, 'succeeded', now() - interval '2000 minutes', now() - make_interval(mins => $4::int), 'test')`,
          [`2.${n}`, digest(1000 + n), sha(1000 + n), minutes],
        ),
      ),
    );
    const { rows } = await pool.query<{ failed: number; restored: number }>(
      "SELECT count(*)::int AS failed, count(restored_at)::int AS restored FROM releases WHERE environment = 'race' AND status = 'failed'",
    );
    expect(rows[0]!.failed).toBeGreaterThan(80);
    expect(rows[0]!.restored).toBeGreaterThan(80);
    expect(await mismatches("race")).toEqual([]);
  });

  it("follows corrections: a success that is later taken back or removed no longer restores anything", async () => {
    const insert = async (status: string, finishedMinutesAgo: number) => {
      const { rows } = await pool.query<{ id: string }>(
        `INSERT INTO releases (service, environment, version, image_digest, commit_sha, status, started_at, finished_at, actor)
         VALUES ('web', 'fix', '1', $1, $2, $3, now() - interval '1 day', now() - make_interval(mins => $4::int), 'test') RETURNING id`,
        [digest(1), sha(1), status, finishedMinutesAgo],
      );
      return rows[0]!.id;
    };
    const failure = await insert("failed", 300);
    const first = await insert("succeeded", 200);
    const second = await insert("succeeded", 100);
    const restoredAt = async () => (await pool.query<{ r: Date | null }>("SELECT restored_at AS r FROM releases WHERE id = $1", [failure])).rows[0]!.r;
    expect(await mismatches("fix")).toEqual([]);
    await pool.query("UPDATE releases SET status = 'failed' WHERE id = $1", [first]);
    expect(await mismatches("fix")).toEqual([]);
    await pool.query("DELETE FROM releases WHERE id = $1", [second]);
    expect(await restoredAt()).toBeNull();
    expect(await mismatches("fix")).toEqual([]);
    // A failure corrected to a success stops carrying a restore time and restores the failure before it.
    await pool.query("UPDATE releases SET status = 'succeeded' WHERE id = $1", [first]);
    expect(await restoredAt()).not.toBeNull();
    expect((await pool.query("SELECT restored_at FROM releases WHERE id = $1", [first])).rows[0].restored_at).toBeNull();
    expect(await mismatches("fix")).toEqual([]);
  });
});

describe("DORA on the recorded restore time", () => {
  it("answers exactly as the old per-failure look-up on seeded data, for every environment and for all", async () => {
    await seedReleases(pool, { count: 5_000, days: 60, services: 8, environments: ["prod", "staging"] });
    for (const environment of [undefined, "prod", "staging", "race", "fix"]) {
      for (const days of [1, 7, 30, 90]) {
        const [actual, expected] = await Promise.all([pool.query(doraQuery(environment, days)), pool.query(oldDoraQuery(environment, days))]);
        const { from: _from, to: _to, ...answer } = actual.rows[0] as Record<string, unknown>;
        expect(answer, `${environment ?? "all"}, ${days} days`).toEqual(expected.rows[0]);
      }
    }
  }, 60_000);
});

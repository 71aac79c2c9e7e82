import { Pool } from "pg";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { seedReleases } from "../scripts/seed-releases";
import { call, createKey, testApp } from "./support/app";
import { createTestDatabase } from "./support/database";

// The web page's trend charts and the headline figures of /v1/metrics/dora must tell the same story: on the same
// releases, a trend point that covers the whole window is the window's metrics, and the points add up to it.

let db: Awaited<ReturnType<typeof createTestDatabase>>;
let ledger: Awaited<ReturnType<typeof testApp>>;
let pool: Pool;
let viewer: string;

type Metrics = Record<"deployments" | "failedDeployments" | "deploymentFrequencyPerDay", number> &
  Record<"changeFailureRate" | "medianLeadTimeSeconds" | "medianTimeToRestoreSeconds", number | null>;

beforeAll(async () => {
  db = await createTestDatabase();
  ledger = await testApp({ DATABASE_URL: db.url, REDIS_URL: "", REDIS_HOST: "" });
  viewer = (await createKey(db.url, "viewer")).key;
  pool = new Pool({ connectionString: db.url, max: 2 });
  await seedReleases(pool, { count: 600, days: 90, services: 6, environments: ["prod", "staging"] });
  // Lead times that differ from release to release, all within the last day.
  await pool.query(
    `INSERT INTO releases (service, environment, version, image_digest, commit_sha, committed_at, status, started_at, finished_at, rolled_back_at, actor)
     SELECT 'lead-' || (i % 3), CASE WHEN i % 2 = 0 THEN 'prod' ELSE 'staging' END, '2.' || i, 'sha256:' || lpad(to_hex(i), 64, 'a'), lpad(to_hex(i), 40, 'b'),
            s - make_interval(mins => 5 + i * 7), status, s, s + interval '10 minutes',
            CASE WHEN status = 'rolled_back' THEN s + interval '30 minutes' END, 'test'
     FROM generate_series(1, 40) AS i,
          LATERAL (SELECT now() - make_interval(mins => 30 + i * 20) AS s,
                          CASE WHEN i % 9 = 0 THEN 'rolled_back' WHEN i % 5 = 0 THEN 'failed' ELSE 'succeeded' END AS status) AS r`,
  );
  // Rows written before the order checks existed (migration 1764100000000 adds them NOT VALID) can have a commit
  // after their finish: a negative lead time that neither read may count. This database is the test's own, so the
  // checks are dropped to write such history.
  await pool.query("ALTER TABLE releases DROP CONSTRAINT releases_committed_before_start, DROP CONSTRAINT releases_finished_after_start");
  await pool.query(
    `INSERT INTO releases (service, environment, version, image_digest, commit_sha, committed_at, status, started_at, finished_at, actor)
     SELECT 'legacy', CASE WHEN i % 2 = 0 THEN 'prod' ELSE 'staging' END, '0.' || i, 'sha256:' || lpad(to_hex(i), 64, 'c'), lpad(to_hex(i), 40, 'd'),
            now() - interval '1 minute', 'succeeded', s, s + interval '10 minutes', 'test'
     FROM generate_series(1, 30) AS i, LATERAL (SELECT now() - make_interval(mins => 60 + i * 20) AS s) AS r`,
  );
}, 60_000);

afterAll(async () => {
  await Promise.all([ledger?.app.close(), pool?.end()]);
  await db?.drop();
});

async function read<T>(path: string): Promise<T> {
  const response = await call(ledger.app, viewer, { method: "GET", url: path });
  expect(response.statusCode, response.body).toBe(200);
  return response.json<T>();
}

const METRICS = [
  "deployments",
  "failedDeployments",
  "deploymentFrequencyPerDay",
  "changeFailureRate",
  "medianLeadTimeSeconds",
  "medianTimeToRestoreSeconds",
] as const;
const metricsOf = (value: Metrics) => Object.fromEntries(METRICS.map((name) => [name, value[name]]));

describe("the DORA trend and /v1/metrics/dora", () => {
  for (const environment of [undefined, "prod", "staging"]) {
    const query = environment === undefined ? "" : `&environment=${environment}`;

    it(`agree on a one-day window, where the trend is one point (${environment ?? "all environments"})`, async () => {
      const [metrics, trend] = await Promise.all([
        read<Metrics>(`/v1/metrics/dora?days=1${query}`),
        read<{ bucketDays: number; points: Metrics[] }>(`/v1/metrics/dora/trend?days=1${query}`),
      ]);
      expect(trend.bucketDays).toBe(1);
      expect(trend.points).toHaveLength(1);
      expect(metrics.medianLeadTimeSeconds).toBeGreaterThan(0);
      expect(metrics.medianTimeToRestoreSeconds).not.toBeNull();
      expect(metricsOf(trend.points[0]!)).toEqual(metricsOf(metrics));
    });

    it(`count the same deployments and failures over longer windows (${environment ?? "all environments"})`, async () => {
      for (const days of [7, 30, 90]) {
        const [metrics, trend] = await Promise.all([
          read<Metrics>(`/v1/metrics/dora?days=${days}${query}`),
          read<{ points: Metrics[] }>(`/v1/metrics/dora/trend?days=${days}${query}`),
        ]);
        const sum = (name: "deployments" | "failedDeployments") => trend.points.reduce((total, point) => total + point[name], 0);
        expect({ deployments: sum("deployments"), failedDeployments: sum("failedDeployments") }, `${days} days`).toEqual({
          deployments: metrics.deployments,
          failedDeployments: metrics.failedDeployments,
        });
      }
    });
  }
});

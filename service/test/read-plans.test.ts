import { Pool } from "pg";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { seedReleases } from "../scripts/seed-releases";
import { doraQuery } from "../src/dora/query";
import { CURRENT_QUERY } from "../src/repositories/releases";
import { call, createKey, testApp } from "./support/app";
import { createTestDatabase } from "./support/database";

// Big enough that a plan which reads every row of an environment costs thousands of pages.
const ROWS = 100_000;
let db: Awaited<ReturnType<typeof createTestDatabase>>;
let pool: Pool;

beforeAll(async () => {
  db = await createTestDatabase();
  pool = new Pool({ connectionString: db.url, max: 2 });
  await seedReleases(pool, { count: ROWS, days: 400, services: 20, environments: ["prod", "staging", "dev"] });
}, 120_000);

afterAll(async () => {
  await pool?.end();
  await db?.drop();
});

/** Pages (8 KiB blocks) a query touches, read from EXPLAIN (ANALYZE, BUFFERS): deterministic, unlike time. */
async function pagesTouched(text: string, values: unknown[]): Promise<number> {
  const { rows } = await pool.query<{ "QUERY PLAN": [{ Plan: Record<string, number> }] }>(`EXPLAIN (ANALYZE, BUFFERS, FORMAT JSON) ${text}`, values);
  const plan = rows[0]!["QUERY PLAN"][0].Plan;
  return (plan["Shared Hit Blocks"] ?? 0) + (plan["Shared Read Blocks"] ?? 0);
}

describe("/current on a cache miss", () => {
  it("walks the index service by service instead of reading the environment's every row", async () => {
    const pages = await pagesTouched(CURRENT_QUERY, ["prod"]);
    expect(pages).toBeLessThan(300);
    // Same answer as the obvious DISTINCT ON.
    const expected = await pool.query(
      `SELECT DISTINCT ON (service) service, id FROM releases WHERE environment = 'prod' AND status = 'succeeded' ORDER BY service, created_at DESC, id DESC`,
    );
    const actual = await pool.query(CURRENT_QUERY, ["prod"]);
    expect(actual.rows.map((r: { service: string; id: string }) => [r.service, r.id])).toEqual(
      expected.rows.map((r: { service: string; id: string }) => [r.service, r.id]),
    );
    expect(actual.rows).toHaveLength(20);
  });
});

describe("DORA metrics", () => {
  it("read the window from an index and probe another once per failure, never the table", async () => {
    for (const environment of ["prod", undefined]) {
      const query = doraQuery(environment, 30);
      // The window holds 7,500 rows (~100 index pages) and ~750 failures (~3 pages a probe); the plan
      // before the indexes touched over 800,000 pages.
      expect(await pagesTouched(query.text, query.values), String(environment)).toBeLessThan(5_000);
    }
  });
});

describe("expensive reads", () => {
  it("never starve readiness or other routes: DORA queries wait in their own small pool and the excess is shed", async () => {
    const ledger = await testApp({ DATABASE_URL: db.url, DB_POOL_MAX: "4", DB_CONNECT_TIMEOUT_MS: "1000" });
    const viewer = (await createKey(db.url, "viewer")).key;
    const admin = (await createKey(db.url, "admin")).key;
    // Hold every DORA query: a lock that plain reads of `releases` must wait for.
    const blocker = await pool.connect();
    try {
      await blocker.query("BEGIN");
      await blocker.query("LOCK TABLE releases IN ACCESS EXCLUSIVE MODE");
      const reports = Array.from({ length: 12 }, () => call(ledger.app, viewer, { url: "/v1/metrics/dora?days=30" }));
      await new Promise((r) => setTimeout(r, 200));
      const started = Date.now();
      const ready = await ledger.app.inject({ url: "/readyz" });
      const keys = await call(ledger.app, admin, { url: "/v1/api-keys" });
      expect(ready.statusCode).toBe(200);
      expect(keys.statusCode).toBe(200);
      // Not the connect timeout (1 s) twice over: nothing queued behind DORA.
      expect(Date.now() - started).toBeLessThan(2_000);
      await blocker.query("ROLLBACK");
      const statuses = (await Promise.all(reports)).map((r) => r.statusCode);
      // Some are answered once the lock goes, the excess was refused at once with 503 and Retry-After.
      expect(statuses.filter((s) => s === 200).length).toBeGreaterThan(0);
      expect(statuses.every((s) => s === 200 || s === 503)).toBe(true);
      expect(statuses.filter((s) => s === 503).length).toBeGreaterThan(0);
    } finally {
      await blocker.query("ROLLBACK").catch(() => undefined);
      blocker.release();
      await ledger.app.close();
    }
  });
});

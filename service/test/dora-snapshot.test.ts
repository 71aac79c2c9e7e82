import { execFile } from "node:child_process";
import { join } from "node:path";
import { promisify } from "node:util";
import { Client, Pool } from "pg";
import { afterAll, beforeAll, beforeEach, describe, expect, it } from "vitest";
import { seedReleases } from "../scripts/seed-releases";
import { computeDoraSnapshot, DORA_SNAPSHOT_LOCK } from "../src/dora/snapshot";
import { handler } from "../src/lambda/dora-snapshot";
import { call, createKey, testApp } from "./support/app";
import { createTestDatabase } from "./support/database";

// The nightly job computes /v1/metrics/dora into dora_snapshots; the API serves it while it is fresh and answers
// live otherwise. All against the real PostgreSQL.

const WINDOWS = [1, 7, 30, 90, 365];
const job = { windows: WINDOWS, trigger: "test", statementTimeoutMs: 60_000 };

let db: Awaited<ReturnType<typeof createTestDatabase>>;
let served: Awaited<ReturnType<typeof testApp>>;
let live: Awaited<ReturnType<typeof testApp>>;
let pool: Pool;
let viewer: string;

beforeAll(async () => {
  db = await createTestDatabase();
  served = await testApp({ DATABASE_URL: db.url });
  // The same ledger with the snapshot switched off: what the live query answers.
  live = await testApp({ DATABASE_URL: db.url, DORA_SNAPSHOT_MAX_AGE_SECONDS: "0" });
  viewer = (await createKey(db.url, "viewer")).key;
  pool = new Pool({ connectionString: db.url, max: 4 });
  // Eight releases a day, 1 h + a multiple of 3 h before now: every window boundary (a multiple of 24 h back) is
  // at least an hour from a release, so the job and a live read seconds later count the same rows.
  await seedReleases(pool, { count: 400 * 8, days: 400, services: 5, environments: ["prod", "staging"] });
}, 120_000);

afterAll(async () => {
  await Promise.all([served?.app.close(), live?.app.close(), pool?.end()]);
  await db?.drop();
});

beforeEach(async () => {
  await pool.query("DELETE FROM dora_snapshot_runs");
  await pool.query("DELETE FROM releases WHERE actor = 'after-snapshot'");
});

async function dora(app: Awaited<ReturnType<typeof testApp>>, query: string) {
  const response = await call(app.app, viewer, { method: "GET", url: `/v1/metrics/dora?${query}` });
  expect(response.statusCode, response.body).toBe(200);
  return response.json<Record<string, unknown>>();
}

/** A finished release written after the snapshot: the snapshot must not count it, a live read must. */
async function releaseAfterSnapshot(): Promise<void> {
  await pool.query(
    `INSERT INTO releases (service, environment, version, image_digest, commit_sha, committed_at, status, started_at, finished_at, actor)
     VALUES ('late', 'prod', '9.9.9', 'sha256:' || repeat('a', 64), repeat('b', 40), now() - interval '1 hour', 'succeeded',
             now() - interval '1 minute', now(), 'after-snapshot')`,
  );
}

describe("GET /v1/metrics/dora with the snapshot job", () => {
  it("answers live before the first run, and says so", async () => {
    const body = await dora(served, "days=30");
    expect(body.source).toBe("live");
    expect(body.computedAt).toBe(body.to);
  });

  it("serves the newest run: its numbers, its time, its window", async () => {
    const run = await computeDoraSnapshot(pool, job);
    expect(run.status).toBe("computed");
    if (run.status !== "computed") return;
    await releaseAfterSnapshot();

    const body = await dora(served, "environment=prod&days=30");
    expect(body.source).toBe("snapshot");
    expect(body.computedAt).toBe(run.computedAt);
    expect(body.to).toBe(run.computedAt);
    expect(new Date(body.to as string).getTime() - new Date(body.from as string).getTime()).toBe(30 * 86_400_000);
    // The release written after the run is in the live answer only.
    const now = await dora(live, "environment=prod&days=30");
    expect(now.source).toBe("live");
    expect(now.deployments).toBe((body.deployments as number) + 1);
  });

  it("answers every window and environment as the live query does", async () => {
    await computeDoraSnapshot(pool, job);
    for (const days of WINDOWS) {
      for (const environment of [undefined, "prod", "staging", "nowhere"]) {
        const query = `days=${days}${environment ? `&environment=${environment}` : ""}`;
        const [snapshot, now] = await Promise.all([dora(served, query), dora(live, query)]);
        expect(snapshot.source, query).toBe("snapshot");
        const { source: _s, computedAt: _c, from: _f, to: _t, ...numbers } = snapshot;
        const { source: _ls, computedAt: _lc, from: _lf, to: _lt, ...liveNumbers } = now;
        expect(numbers, query).toEqual(liveNumbers);
        if (environment !== "nowhere") expect(numbers.deployments, query).toBeGreaterThan(0);
      }
    }
  });

  it("answers a window the run does not hold live", async () => {
    await computeDoraSnapshot(pool, job);
    expect((await dora(served, "days=45")).source).toBe("live");
    expect((await dora(served, "days=30")).source).toBe("snapshot");
  });

  it("answers live once the newest run is older than DORA_SNAPSHOT_MAX_AGE_SECONDS (26 h by default)", async () => {
    await computeDoraSnapshot(pool, job);
    await pool.query("UPDATE dora_snapshot_runs SET computed_at = computed_at - interval '25 hours'");
    expect((await dora(served, "days=30")).source).toBe("snapshot");
    await pool.query("UPDATE dora_snapshot_runs SET computed_at = computed_at - interval '2 hours'");
    expect((await dora(served, "days=30")).source).toBe("live");
  });
});

describe("the snapshot job", () => {
  it("computes one run per scheduled time: a second delivery does nothing", async () => {
    const scheduledFor = new Date("2026-11-30T02:15:00Z");
    const first = await computeDoraSnapshot(pool, { ...job, scheduledFor });
    const second = await computeDoraSnapshot(pool, { ...job, scheduledFor });
    expect(first.status).toBe("computed");
    expect(second).toEqual({ status: "skipped", reason: expect.stringContaining("2026-11-30T02:15:00.000Z is already done") as unknown });
    const { rows } = await pool.query<{ n: number }>("SELECT count(*)::int AS n FROM dora_snapshot_runs");
    expect(rows[0]!.n).toBe(1);
    // By hand (no scheduled time): always a new run.
    expect((await computeDoraSnapshot(pool, job)).status).toBe("computed");
  });

  it("skips, without waiting, while another run holds the lock", async () => {
    const holder = new Client({ connectionString: db.url });
    await holder.connect();
    try {
      await holder.query("SELECT pg_advisory_lock($1)", [DORA_SNAPSHOT_LOCK]);
      const result = await computeDoraSnapshot(pool, job);
      expect(result).toEqual({ status: "skipped", reason: expect.stringContaining("another DORA snapshot run") as unknown });
      const { rows } = await pool.query<{ n: number }>("SELECT count(*)::int AS n FROM dora_snapshot_runs");
      expect(rows[0]!.n).toBe(0);
    } finally {
      await holder.end();
    }
  });

  it("two runs at once leave one consistent newest run", async () => {
    const results = await Promise.all([computeDoraSnapshot(pool, job), computeDoraSnapshot(pool, job)]);
    expect(results.some((r) => r.status === "computed")).toBe(true);
    const { rows } = await pool.query<{ run_id: string; n: number }>("SELECT run_id, count(*)::int AS n FROM dora_snapshots GROUP BY run_id ORDER BY run_id");
    // Each run holds every window for all environments, prod and staging.
    for (const row of rows) expect(row.n).toBe(WINDOWS.length * 3);
  });

  it("deletes runs older than 35 days", async () => {
    await computeDoraSnapshot(pool, job);
    await pool.query("UPDATE dora_snapshot_runs SET computed_at = now() - interval '36 days'");
    await computeDoraSnapshot(pool, job);
    const { rows } = await pool.query<{ n: number }>("SELECT count(*)::int AS n FROM dora_snapshot_runs");
    expect(rows[0]!.n).toBe(1);
  });
});

describe("the job's entry points", () => {
  const saved = { ...process.env };
  beforeEach(() => {
    process.env.DATABASE_URL = db.url;
    process.env.DORA_SNAPSHOT_WINDOWS = "7,30";
  });
  afterAll(() => {
    process.env = saved;
  });

  // What DoraSnapshotSchedule's input becomes once EventBridge Scheduler fills in its context attributes.
  const schedulerEvent = {
    scheduledTime: "2026-11-30T02:15:00Z",
    executionId: "d32c5kddcf5bb8c3",
    attemptNumber: "1",
  };

  it("the Lambda handler computes from an EventBridge Scheduler event, once per scheduled time", async () => {
    const first = await handler(schedulerEvent);
    expect(first).toMatchObject({ status: "computed", windows: [7, 30], rows: 6 });
    expect(await handler({ ...schedulerEvent, executionId: "e42", attemptNumber: "2" })).toMatchObject({ status: "skipped" });
    const { rows } = await pool.query<{ scheduled_for: Date; trigger: string }>("SELECT scheduled_for, trigger FROM dora_snapshot_runs");
    expect(rows).toEqual([{ scheduled_for: new Date("2026-11-30T02:15:00Z"), trigger: "schedule" }]);
    expect((await dora(served, "days=30")).source).toBe("snapshot");
  });

  it("the Lambda handler fails, for Lambda to retry, on a bad event or a database it cannot reach", async () => {
    await expect(handler({ scheduledTime: "<aws.scheduler.scheduled-time>" })).rejects.toThrow(/scheduledTime .* is not a timestamp/);
    process.env.DATABASE_URL = "postgres://postgres@127.0.0.1:1/none";
    await expect(handler({})).rejects.toThrow();
  });

  it("the plain command computes a run and reports it", async () => {
    const { stdout } = await promisify(execFile)(
      process.execPath,
      ["-r", "ts-node/register/transpile-only", join(__dirname, "..", "src", "commands", "dora-snapshot.ts"), "--scheduled-time", "2026-11-29T02:15:00Z"],
      { cwd: join(__dirname, ".."), env: { ...process.env, DATABASE_URL: db.url, DORA_SNAPSHOT_WINDOWS: "30" }, timeout: 60_000 },
    );
    expect(stdout).toMatch(/^DORA snapshot run \d+ computed at .*: 3 rows, windows 30 days/);
  }, 60_000);
});

import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { Pool } from "pg";
import { call, createKey, digest, sha, testApp } from "./support/app";
import { REDIS_URL, createTestDatabase, dropRedisKeys, randomPrefix } from "./support/database";

let db: Awaited<ReturnType<typeof createTestDatabase>>;
let ledger: Awaited<ReturnType<typeof testApp>>;
let pool: Pool;
const keys = {} as Record<"viewer" | "deployer", string>;

/** A release with exact times, as the ledger holds it after its status changes. */
async function release(n: number, finishedAt: string, rolledBackAt: string | null = null, status = rolledBackAt ? "rolled_back" : "succeeded") {
  await pool.query(
    `INSERT INTO releases (service, environment, version, image_digest, commit_sha, status, started_at, finished_at, rolled_back_at, actor)
     VALUES ('ledger', 'prod', $1, $2, $3, $4, $5::timestamptz - interval '5 minutes', $5, $6, 'test')`,
    [`1.0.${n}`, digest(n), sha(n), status, finishedAt, rolledBackAt],
  );
}

const at = (time: string, extra = "") =>
  call(ledger.app, keys.viewer, { url: `/v1/releases/at?environment=prod&service=ledger&time=${encodeURIComponent(time)}${extra}` });

beforeAll(async () => {
  db = await createTestDatabase();
  ledger = await testApp({ DATABASE_URL: db.url, REDIS_URL, REDIS_KEY_PREFIX: randomPrefix() });
  for (const role of ["viewer", "deployer"] as const) keys[role] = (await createKey(db.url, role)).key;
  pool = new Pool({ connectionString: db.url, max: 1 });
  await release(1, "2026-11-01T10:00:00Z");
  await release(2, "2026-11-02T10:00:00Z", "2026-11-02T11:00:00Z");
  await release(3, "2026-11-03T10:00:00Z", null, "failed");
  await release(4, "2026-11-04T10:00:00Z");
});

afterAll(async () => {
  await Promise.all([ledger?.app.close(), pool?.end()]);
  await Promise.all([db?.drop(), dropRedisKeys()]);
});

describe("GET /v1/releases/at", () => {
  it("answers the release that ran at the time: finished by then, not rolled back by then, never a failed one", async () => {
    expect((await at("2026-11-01T12:00:00Z")).json()).toMatchObject({ version: "1.0.1", imageDigest: digest(1) });
    expect((await at("2026-11-02T10:30:00Z")).json()).toMatchObject({ version: "1.0.2", rolledBackAt: "2026-11-02T11:00:00.000Z" });
    // Rolled back at 11:00: from then on the one before it ran again.
    expect((await at("2026-11-02T12:00:00Z")).json()).toMatchObject({ version: "1.0.1" });
    expect((await at("2026-11-03T12:00:00+01:00")).json()).toMatchObject({ version: "1.0.1" });
    expect((await at("2026-11-05T00:00:00Z")).json()).toMatchObject({ version: "1.0.4", commitSha: sha(4) });
  });

  it("says 404 before the first release and 400 for a bad time, naming the field", async () => {
    const before = await at("2026-10-01T00:00:00Z");
    expect(before.statusCode).toBe(404);
    expect(before.json().message).toBe("no release of ledger had finished in prod by 2026-10-01T00:00:00.000Z");
    const bad = await at("yesterday");
    expect(bad.statusCode).toBe(400);
    expect(bad.json().message).toContain("time");
    expect((await call(ledger.app, undefined, { url: "/v1/releases/at?environment=prod&service=ledger&time=2026-11-01T00:00:00Z" })).statusCode).toBe(401);
  });
});

describe("drills", () => {
  const drill = {
    environment: "prod",
    recoveryEnvironment: "prod-dr",
    region: "eu-central-1",
    outcome: "passed",
    restorePoint: "2026-11-20T02:55:00Z",
    imageDigest: digest(4),
    rpoSeconds: 300,
    rtoSeconds: 2400,
    startedAt: "2026-11-20T03:00:00Z",
    finishedAt: "2026-11-20T03:40:00Z",
  };

  it("records a drill for a deployer and lists drills newest first for a viewer", async () => {
    const created = await call(ledger.app, keys.deployer, { method: "POST", url: "/v1/drills", payload: drill });
    expect(created.statusCode).toBe(201);
    expect(created.json()).toMatchObject({
      ...drill,
      restorePoint: "2026-11-20T02:55:00.000Z",
      startedAt: "2026-11-20T03:00:00.000Z",
      finishedAt: "2026-11-20T03:40:00.000Z",
      notes: "",
      actor: "api-key:deployer-key",
    });
    await call(ledger.app, keys.deployer, {
      method: "POST",
      url: "/v1/drills",
      payload: { ...drill, outcome: "failed", startedAt: "2026-11-21T03:00:00Z", finishedAt: "2026-11-21T04:30:00Z", notes: "RTO missed" },
    });
    const listed = await call(ledger.app, keys.viewer, { url: "/v1/drills?environment=prod" });
    expect(listed.json<{ outcome: string }[]>().map((d) => d.outcome)).toEqual(["failed", "passed"]);
    expect((await call(ledger.app, keys.viewer, { url: "/v1/drills?environment=staging" })).json()).toEqual([]);
  });

  it("refuses a viewer's write and a drill that ends before it starts", async () => {
    expect((await call(ledger.app, keys.viewer, { method: "POST", url: "/v1/drills", payload: drill })).statusCode).toBe(403);
    const backwards = await call(ledger.app, keys.deployer, { method: "POST", url: "/v1/drills", payload: { ...drill, finishedAt: "2026-11-20T02:00:00Z" } });
    expect(backwards.statusCode).toBe(400);
    expect(backwards.json().message).toContain("body.finishedAt");
  });
});

import { randomBytes } from "node:crypto";
import { Client, Pool } from "pg";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { loadConfig } from "../src/config";
import { MIGRATIONS_DIR, runMigrations } from "../src/db/migrate";
import { call, createKey, digest, sha, testApp } from "./support/app";
import { ADMIN_URL, createTestDatabase } from "./support/database";

let db: Awaited<ReturnType<typeof createTestDatabase>>;
let ledger: Awaited<ReturnType<typeof testApp>>;
let deployer: string;
let pool: Pool;

const release = (extra: Record<string, unknown> = {}) => ({
  service: "clock",
  environment: "prod",
  version: "1.0.0",
  imageDigest: digest(1),
  commitSha: sha(1),
  ...extra,
});
const inMinutes = (minutes: number) => new Date(Date.now() + minutes * 60_000).toISOString();

beforeAll(async () => {
  db = await createTestDatabase();
  ledger = await testApp({ DATABASE_URL: db.url });
  deployer = (await createKey(db.url, "deployer")).key;
  pool = new Pool({ connectionString: db.url, max: 1 });
});

afterAll(async () => {
  await Promise.all([ledger?.app.close(), pool?.end()]);
  await db?.drop();
});

const post = (body: object) => call(ledger.app, deployer, { method: "POST", url: "/v1/releases", payload: body });

describe("client timestamps", () => {
  it("refuses timestamps in the future beyond a small clock skew, naming the field", async () => {
    for (const field of ["committedAt", "startedAt"]) {
      const response = await post(release({ [field]: inMinutes(60) }));
      expect(response.statusCode, field).toBe(400);
      expect(response.json().message).toMatch(new RegExp(`body\\.${field} .*future`));
    }
    // A minute ahead is clock skew, not an error.
    expect((await post(release({ startedAt: inMinutes(1), committedAt: inMinutes(1) }))).statusCode).toBe(201);
    const created = (await post(release())).json();
    const response = await call(ledger.app, deployer, {
      method: "PATCH",
      url: `/v1/releases/${created.id}`,
      payload: { status: "succeeded", finishedAt: inMinutes(60) },
    });
    expect(response.statusCode).toBe(400);
    expect(response.json().message).toMatch(/body\.finishedAt .*future/);
  });

  it("refuses impossible orders: a commit after its deployment started, a finish before the start", async () => {
    const late = await post(release({ committedAt: "2026-01-02T00:00:00Z", startedAt: "2026-01-01T00:00:00Z" }));
    expect(late.statusCode).toBe(400);
    expect(late.json().message).toMatch(/committedAt .*startedAt/);
    const lateAgainstNow = await post(release({ committedAt: inMinutes(2) }));
    expect(lateAgainstNow.statusCode).toBe(400);

    const created = (await post(release({ startedAt: "2026-01-02T00:00:00Z" }))).json();
    const early = await call(ledger.app, deployer, {
      method: "PATCH",
      url: `/v1/releases/${created.id}`,
      payload: { status: "failed", finishedAt: "2026-01-01T00:00:00Z" },
    });
    expect(early.statusCode).toBe(400);
    expect(early.json().message).toMatch(/finishedAt .*startedAt/);
    const { rows } = await pool.query("SELECT status FROM releases WHERE id = $1", [created.id]);
    expect(rows[0].status).toBe("started");
  });

  it("the schema refuses such rows too, whoever writes them", async () => {
    await expect(
      pool.query(
        `INSERT INTO releases (service, environment, version, image_digest, commit_sha, committed_at, started_at, actor)
         VALUES ('x', 'prod', '1', $1, $2, now(), now() - interval '1 hour', 'sql')`,
        [digest(1), sha(1)],
      ),
    ).rejects.toMatchObject({ code: "23514" });
  });
});

describe("the migration adding the checks", () => {
  it("applies on a database that already holds rows breaking them, and keeps those rows", async () => {
    const name = `ledger_test_${randomBytes(6).toString("hex")}`;
    const admin = new Client({ connectionString: ADMIN_URL });
    await admin.connect();
    await admin.query(`CREATE DATABASE ${name}`);
    const url = new URL(db.url);
    url.pathname = `/${name}`;
    const client = new Client({ connectionString: url.href });
    try {
      await client.connect();
      const { runner } = await import("node-pg-migrate");
      await runner({ dbClient: client, dir: MIGRATIONS_DIR, migrationsTable: "pgmigrations", direction: "up", count: 1, log: () => undefined });
      await client.query(
        `INSERT INTO releases (service, environment, version, image_digest, commit_sha, committed_at, status, started_at, finished_at, actor)
         VALUES ('legacy', 'prod', '1', $1, $2, now(), 'succeeded', now() - interval '1 day', now() - interval '2 days', 'legacy')`,
        [digest(1), sha(1)],
      );
      const applied = await runMigrations(loadConfig({ DATABASE_URL: url.href }).database, () => undefined);
      expect(applied.length).toBeGreaterThan(0);
      const { rows } = await client.query("SELECT count(*)::int AS n FROM releases WHERE service = 'legacy'");
      expect(rows[0].n).toBe(1);
    } finally {
      await client.end();
      await admin.query(`DROP DATABASE IF EXISTS ${name} WITH (FORCE)`);
      await admin.end();
    }
  });
});

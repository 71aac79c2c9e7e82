import Fastify from "fastify";
import { Pool } from "pg";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { Database } from "../src/db/database";
import errors from "../src/plugins/errors";
import { encodeCursor } from "../src/repositories/releases";
import { call, createKey, digest, sha, testApp } from "./support/app";
import { createTestDatabase } from "./support/database";

let db: Awaited<ReturnType<typeof createTestDatabase>>;
let ledger: Awaited<ReturnType<typeof testApp>>;
let viewer: string;
let deployer: string;

const release = (extra: Record<string, unknown> = {}) => ({
  service: "hostile",
  environment: "prod",
  version: "1.0.0",
  imageDigest: digest(1),
  commitSha: sha(1),
  ...extra,
});

beforeAll(async () => {
  db = await createTestDatabase();
  ledger = await testApp({ DATABASE_URL: db.url });
  [viewer, deployer] = [(await createKey(db.url, "viewer")).key, (await createKey(db.url, "deployer")).key];
});

afterAll(async () => {
  await ledger?.app.close();
  await db?.drop();
});

const raw = (text: string) => Buffer.from(text).toString("base64url");

describe("tampered cursors", () => {
  it.each([
    ["a 20-digit position", encodeCursor("99999999999999999999", "00000000-0000-4000-8000-000000000000")],
    ["a position past year 9999", encodeCursor("999999999999999999", "00000000-0000-4000-8000-000000000000")],
    ["an id of dashes", raw(`1764000000000000:${"-".repeat(36)}`)],
    ["an id with dashes in the wrong places", raw("1764000000000000:0000000000000000000000000000000000-0")],
    ["trailing bytes", raw("1764000000000000:00000000-0000-4000-8000-000000000000\n")],
  ])("%s is a 400 naming the cursor", async (_name, cursor) => {
    const response = await call(ledger.app, viewer, { url: `/v1/releases?cursor=${cursor}` });
    expect(response.statusCode).toBe(400);
    expect(response.json().message).toMatch(/cursor/);
  });
});

describe("timestamps PostgreSQL cannot store", () => {
  it.each([
    ["year 0000", "0000-01-01T00:00:00Z"],
    ["an offset beyond ±15:59", "2026-01-01T00:00:00+23:00"],
  ])("%s in a body is a 400 naming the field", async (_name, value) => {
    for (const field of ["committedAt", "startedAt"]) {
      const response = await call(ledger.app, deployer, { method: "POST", url: "/v1/releases", payload: release({ [field]: value }) });
      expect(response.statusCode, field).toBe(400);
      expect(response.json().message).toContain(`body.${field}`);
    }
    const created = (await call(ledger.app, deployer, { method: "POST", url: "/v1/releases", payload: release() })).json();
    const patched = await call(ledger.app, deployer, {
      method: "PATCH",
      url: `/v1/releases/${created.id}`,
      payload: { status: "succeeded", finishedAt: value },
    });
    expect(patched.statusCode).toBe(400);
    expect(patched.json().message).toContain("body.finishedAt");
  });
});

describe("PostgreSQL data exceptions", () => {
  it("a SQLSTATE class 22 error that slips past validation is a 400 saying what was wrong, not a 500", async () => {
    const bare = Fastify();
    await bare.register(errors);
    const pool = new Pool({ connectionString: db.url, max: 1 });
    bare.get("/cast", async () => new Database(pool).query("SELECT $1::int AS n", ["twelve"]));
    try {
      const response = await bare.inject({ url: "/cast" });
      expect(response.statusCode).toBe(400);
      expect(response.json()).toMatchObject({ statusCode: 400, error: "Bad Request" });
      expect(response.json().message).toMatch(/invalid input syntax for type integer/);
    } finally {
      await bare.close();
      await pool.end();
    }
  });
});

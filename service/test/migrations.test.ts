import { randomBytes } from "node:crypto";
import { Client } from "pg";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { loadConfig } from "../src/config";
import { expectedMigrationCount, runMigrations } from "../src/db/migrate";
import { ADMIN_URL } from "./support/database";

const name = `ledger_test_${randomBytes(6).toString("hex")}`;
const url = new URL(ADMIN_URL);
url.pathname = `/${name}`;

async function admin(sql: string) {
  const client = new Client({ connectionString: ADMIN_URL });
  await client.connect();
  await client.query(sql);
  await client.end();
}

beforeAll(() => admin(`CREATE DATABASE ${name}`));
afterAll(() => admin(`DROP DATABASE IF EXISTS ${name} WITH (FORCE)`));

describe("migrations", () => {
  it("are safe when several instances start together: applied once, the others wait and find nothing to do", async () => {
    const database = loadConfig({ DATABASE_URL: url.href }).database;
    const results = await Promise.all([1, 2, 3].map(() => runMigrations(database, () => undefined)));
    expect(results.map((r) => r.length).sort()).toEqual([0, 0, expectedMigrationCount()]);
    const client = new Client({ connectionString: url.href });
    await client.connect();
    const { rows } = await client.query("SELECT count(*)::int AS n FROM pgmigrations");
    await client.end();
    expect(rows[0].n).toBe(expectedMigrationCount());
    expect(await runMigrations(database, () => undefined)).toEqual([]);
  });
});

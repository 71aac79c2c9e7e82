import { randomBytes } from "node:crypto";
import { Redis } from "ioredis";
import { Client } from "pg";
import { loadConfig } from "../../src/config";
import { runMigrations } from "../../src/db/migrate";

// Set by the run's global setup (support/test-services.ts): the configured, local or started servers.
export const ADMIN_URL = process.env.TEST_POSTGRES_URL ?? "postgres://postgres@127.0.0.1:5432/postgres";
export const REDIS_URL = process.env.TEST_REDIS_URL ?? "redis://127.0.0.1:6379";

/** A fresh database (migrated unless told otherwise) with a random name on the shared PostgreSQL; `drop()` removes it. */
export async function createTestDatabase({ migrated = true } = {}): Promise<{ url: string; name: string; drop: () => Promise<void> }> {
  const name = `ledger_test_${randomBytes(6).toString("hex")}`;
  const admin = new Client({ connectionString: ADMIN_URL });
  await admin.connect();
  await admin.query(`CREATE DATABASE ${name}`);
  await admin.end();
  const url = new URL(ADMIN_URL);
  url.pathname = `/${name}`;
  if (migrated) await runMigrations(loadConfig({ DATABASE_URL: url.href }).database, () => undefined);
  return {
    url: url.href,
    name,
    drop: async () => {
      const client = new Client({ connectionString: ADMIN_URL });
      await client.connect();
      try {
        // A pool whose end() has resolved may still be closing its last connection: forcing the drop then kills
        // that connection mid-close, and its pool (without an error listener) ends the test process. So wait for
        // the test's own connections to go, and force only the ones that stay.
        for (let attempt = 0; ; attempt++) {
          try {
            await client.query(attempt < 20 ? `DROP DATABASE IF EXISTS ${name}` : `DROP DATABASE IF EXISTS ${name} WITH (FORCE)`);
            break;
          } catch (error) {
            // 55006: the database is being accessed by other users.
            if ((error as { code?: string }).code !== "55006" || attempt >= 20) throw error;
            await new Promise((resolve) => setTimeout(resolve, 100));
          }
        }
      } finally {
        await client.end();
      }
    },
  };
}

const prefixes: string[] = [];

/** A Redis key prefix of its own for this test file; `dropRedisKeys` removes everything under it. */
export const randomPrefix = () => {
  const prefix = `ledger-test-${randomBytes(4).toString("hex")}:`;
  prefixes.push(prefix);
  return prefix;
};

export async function dropRedisKeys(url = REDIS_URL): Promise<void> {
  const redis = new Redis(url, { maxRetriesPerRequest: 1 });
  try {
    for (const prefix of prefixes) {
      const keys = await redis.keys(`${prefix}*`);
      if (keys.length > 0) await redis.del(...keys);
    }
  } finally {
    redis.disconnect();
  }
}

import { Redis } from "ioredis";
import { Client } from "pg";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import setup from "./support/test-services";

// The run's global setup: a server named in the environment is used or refused, never silently replaced.
const saved = { ...process.env };
beforeEach(() => {
  for (const name of ["TEST_POSTGRES_URL", "TEST_REDIS_URL", "DATABASE_URL", "REDIS_URL"]) delete process.env[name];
});
afterEach(() => {
  process.env = { ...saved };
});

describe("test services", () => {
  it("refuses a configured PostgreSQL that does not answer, naming the variable and both fixes", async () => {
    process.env.TEST_POSTGRES_URL = "postgres://postgres@127.0.0.1:1/postgres";
    await expect(setup()).rejects.toThrow(/TEST_POSTGRES_URL is set, but no PostgreSQL answers there\. Start it, or unset TEST_POSTGRES_URL/);
  });

  it("refuses a configured Redis that does not answer", async () => {
    process.env.REDIS_URL = "redis://127.0.0.1:1";
    await expect(setup()).rejects.toThrow(/REDIS_URL is set, but no Redis answers there/);
  });

  it("with nothing configured, hands servers that answer (local or its own) to every test file", async () => {
    const stop = await setup();
    try {
      const pg = new Client({ connectionString: process.env.TEST_POSTGRES_URL });
      await pg.connect();
      expect((await pg.query<{ one: number }>("SELECT 1 AS one")).rows[0]?.one).toBe(1);
      await pg.end();
      const redis = new Redis(process.env.TEST_REDIS_URL!);
      expect(await redis.ping()).toBe("PONG");
      redis.disconnect();
    } finally {
      await stop();
    }
  });
});

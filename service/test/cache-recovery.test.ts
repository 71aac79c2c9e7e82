import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { call, createKey, digest, sha, testApp } from "./support/app";
import { REDIS_URL, createTestDatabase, dropRedisKeys, randomPrefix } from "./support/database";
import { startTcpProxy } from "./support/tcp-proxy";

let db: Awaited<ReturnType<typeof createTestDatabase>>;
let redisProxy: Awaited<ReturnType<typeof startTcpProxy>>;
let ledger: Awaited<ReturnType<typeof testApp>>;
let sibling: Awaited<ReturnType<typeof testApp>>;
let viewer: string;
let deployer: string;

const release = (n: number) => ({ service: "blip", environment: "prod", version: `3.0.${n}`, imageDigest: digest(n), commitSha: sha(n), status: "succeeded" });

beforeAll(async () => {
  db = await createTestDatabase();
  redisProxy = await startTcpProxy(Number(new URL(REDIS_URL).port || 6379), new URL(REDIS_URL).hostname);
  const prefix = randomPrefix();
  const common = { DATABASE_URL: db.url, REDIS_KEY_PREFIX: prefix, REDIS_COMMAND_TIMEOUT_MS: "150", REDIS_BREAKER_COOLDOWN_MS: "300" };
  // `ledger` reaches Redis through a proxy the test cuts; `sibling` (another instance) directly.
  [ledger, sibling] = await Promise.all([testApp({ ...common, REDIS_URL: `redis://127.0.0.1:${redisProxy.port}` }), testApp({ ...common, REDIS_URL })]);
  [viewer, deployer] = [(await createKey(db.url, "viewer")).key, (await createKey(db.url, "deployer")).key];
});

afterAll(async () => {
  await Promise.all([ledger?.app.close(), sibling?.app.close()]);
  await redisProxy?.close();
  await Promise.all([db?.drop(), dropRedisKeys()]);
});

const current = (app = ledger.app) => call(app, viewer, { url: "/v1/environments/prod/current" });

async function cacheState(): Promise<string> {
  return (await ledger.app.inject({ url: "/readyz" })).json().cache;
}

describe("an invalidation that fails while Redis is down", () => {
  it("wins when Redis is back: no instance serves the stale answer", async () => {
    await call(ledger.app, deployer, { method: "POST", url: "/v1/releases", payload: release(1) });
    const second = (await call(ledger.app, deployer, { method: "POST", url: "/v1/releases", payload: release(2) })).json();
    await current();
    expect((await current()).headers["x-cache"]).toBe("hit");
    expect((await current(sibling.app)).json().services[0].version).toBe("3.0.2");

    await redisProxy.close();
    const rolledBack = await call(ledger.app, deployer, { method: "PATCH", url: `/v1/releases/${second.id}`, payload: { status: "rolled_back" } });
    expect(rolledBack.statusCode).toBe(200);
    expect((await current()).json().services[0].version).toBe("3.0.1");

    await redisProxy.open();
    // Ready again only once the missed invalidation has reached Redis.
    for (let i = 0; i < 100 && (await cacheState()) !== "ok"; i++) await new Promise((r) => setTimeout(r, 50));
    expect(await cacheState()).toBe("ok");
    const mine = await current();
    expect(mine.json().services[0].version).toBe("3.0.1");
    const theirs = await current(sibling.app);
    expect(theirs.json().services[0].version).toBe("3.0.1");
    // And the cache works again afterwards.
    expect((await current()).headers["x-cache"]).toBe("hit");
  });
});

describe("a slow Redis", () => {
  it("costs little: after a few slow calls the cache is bypassed for a while (and /readyz says so), then used again", async () => {
    const slowEnv = {
      DATABASE_URL: db.url,
      REDIS_URL: `redis://127.0.0.1:${redisProxy.port}`,
      REDIS_KEY_PREFIX: randomPrefix(),
      REDIS_BREAKER_COOLDOWN_MS: "1000",
    };
    const slow = await testApp(slowEnv);
    try {
      const get = async () => {
        const started = Date.now();
        const response = await current(slow.app);
        return { ms: Date.now() - started, response };
      };
      await get();
      expect((await get()).response.headers["x-cache"]).toBe("hit");

      redisProxy.delay(200);
      const timings: number[] = [];
      const sources: string[] = [];
      for (let i = 0; i < 8; i++) {
        const { ms, response } = await get();
        expect(response.statusCode).toBe(200);
        timings.push(ms);
        sources.push(String(response.headers["x-cache"]));
      }
      // The first calls wait for Redis (200 ms at least); once the breaker is open, a read is PostgreSQL's alone.
      expect(
        timings.slice(-4).every((ms) => ms < 190),
        timings.join(", "),
      ).toBe(true);
      expect(sources.slice(-4)).toEqual(["miss", "miss", "miss", "miss"]);
      const ready = await slow.app.inject({ url: "/readyz" });
      expect(ready.statusCode).toBe(200);
      expect(ready.json().cache).toBe("bypassed");

      redisProxy.delay(0);
      await new Promise((r) => setTimeout(r, 1_100));
      for (let i = 0; i < 20 && (await get()).response.headers["x-cache"] !== "hit"; i++) await new Promise((r) => setTimeout(r, 50));
      expect((await get()).response.headers["x-cache"]).toBe("hit");
      expect((await slow.app.inject({ url: "/readyz" })).json().cache).toBe("ok");
    } finally {
      redisProxy.delay(0);
      await slow.app.close();
    }
  });
});

import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { call, createKey, digest, sha, testApp } from "./support/app";
import { REDIS_URL, createTestDatabase, dropRedisKeys, randomPrefix } from "./support/database";
import { startRedis } from "./support/redis-process";
import { startTcpProxy } from "./support/tcp-proxy";

let db: Awaited<ReturnType<typeof createTestDatabase>>;
let redis: Awaited<ReturnType<typeof startRedis>>;
let pgProxy: Awaited<ReturnType<typeof startTcpProxy>>;
let redisProxy: Awaited<ReturnType<typeof startTcpProxy>>;
let ledger: Awaited<ReturnType<typeof testApp>>;
let viewer: string;
let deployer: string;

const release = (n: number) => ({
  service: "resilient",
  environment: "prod",
  version: `2.0.${n}`,
  imageDigest: digest(n),
  commitSha: sha(n),
  status: "succeeded",
});

beforeAll(async () => {
  [db, redis] = await Promise.all([createTestDatabase(), startRedis()]);
  pgProxy = await startTcpProxy(new URL(db.url).port ? Number(new URL(db.url).port) : 5432);
  redisProxy = await startTcpProxy(redis.port);
  const viaProxy = new URL(db.url);
  viaProxy.port = String(pgProxy.port);
  ledger = await testApp({
    DATABASE_URL: viaProxy.href,
    REDIS_URL: `redis://127.0.0.1:${redisProxy.port}`,
    REDIS_KEY_PREFIX: randomPrefix(),
    REDIS_COMMAND_TIMEOUT_MS: "150",
    DB_CONNECT_TIMEOUT_MS: "1000",
    RATE_LIMIT_PER_MINUTE: "1000",
  });
  [viewer, deployer] = [(await createKey(db.url, "viewer")).key, (await createKey(db.url, "deployer")).key];
});

afterAll(async () => {
  await ledger?.app.close();
  await Promise.all([redis?.kill(), pgProxy?.close(), redisProxy?.close()]);
  await Promise.all([db?.drop(), dropRedisKeys()]);
});

const current = () => call(ledger.app, viewer, { url: "/v1/environments/prod/current" });

describe("when Redis stops answering or dies", () => {
  it("serves every read from PostgreSQL while Redis hangs (command timeouts), then uses it again", async () => {
    await call(ledger.app, deployer, { method: "POST", url: "/v1/releases", payload: release(1) });
    await current();
    expect((await current()).headers["x-cache"]).toBe("hit");

    redisProxy.freeze(true);
    const started = Date.now();
    const slow = await current();
    expect(slow.statusCode).toBe(200);
    expect(slow.headers["x-cache"]).toBe("miss");
    expect(slow.json().services[0].version).toBe("2.0.1");
    expect(Date.now() - started).toBeLessThan(2_000);
    // A write still succeeds even though its cache invalidation cannot reach Redis.
    expect((await call(ledger.app, deployer, { method: "POST", url: "/v1/releases", payload: release(2) })).statusCode).toBe(201);
    // Degraded, or already bypassed once the circuit breaker has seen enough failures.
    const hanging = (await ledger.app.inject({ url: "/readyz" })).json();
    expect(hanging).toMatchObject({ status: "ok" });
    expect(["degraded", "bypassed"]).toContain(hanging.cache);
    redisProxy.freeze(false);
  });

  it("keeps answering when the Redis server is killed mid-test, and reports the cache as degraded", async () => {
    await redis.kill();
    for (let i = 0; i < 3; i++) {
      const response = await current();
      expect(response.statusCode).toBe(200);
      expect(response.headers["x-cache"]).toBe("miss");
    }
    expect((await call(ledger.app, deployer, { method: "POST", url: "/v1/releases", payload: release(3) })).statusCode).toBe(201);
    expect((await current()).json().services[0].version).toBe("2.0.3");
    const list = await call(ledger.app, viewer, { url: "/v1/releases?environment=prod" });
    expect(list.statusCode).toBe(200);
    expect(list.headers["x-ratelimit-remaining"]).toBeDefined();
    const ready = await ledger.app.inject({ url: "/readyz" });
    expect(ready.statusCode).toBe(200);
    expect(ready.json()).toMatchObject({ status: "ok", database: "ok" });
    expect(["degraded", "bypassed"]).toContain(ready.json().cache);
  });
});

describe("when PostgreSQL becomes unreachable", () => {
  it("answers 503 with a clear message and /readyz 503, then recovers without a restart", async () => {
    await pgProxy.close();
    const ready = await ledger.app.inject({ url: "/readyz" });
    expect(ready.statusCode).toBe(503);
    expect(ready.json()).toMatchObject({ status: "unavailable", database: "unavailable" });
    expect((await ledger.app.inject({ url: "/healthz" })).statusCode).toBe(200);

    const read = await current();
    expect(read.statusCode).toBe(503);
    expect(read.json()).toEqual({ statusCode: 503, error: "Service Unavailable", message: "the database is unavailable; retry shortly" });
    expect(read.headers["retry-after"]).toBe("5");
    const write = await call(ledger.app, deployer, { method: "POST", url: "/v1/releases", payload: release(4) });
    expect(write.statusCode).toBe(503);
    expect(write.body).not.toMatch(/ECONNREFUSED|127\.0\.0\.1|stack/);

    await pgProxy.open();
    expect((await ledger.app.inject({ url: "/readyz" })).statusCode).toBe(200);
    expect((await call(ledger.app, deployer, { method: "POST", url: "/v1/releases", payload: release(5) })).statusCode).toBe(201);
    expect((await current()).json().services[0].version).toBe("2.0.5");
  });
});

describe("rate limiting", () => {
  it("limits each principal per minute with 429 and Retry-After, and 0 disables it", async () => {
    const shared = { DATABASE_URL: db.url, REDIS_URL, REDIS_KEY_PREFIX: randomPrefix(), RATE_LIMIT_PER_MINUTE: "3" };
    const limited = await testApp(shared);
    const sibling = await testApp(shared);
    const unlimited = await testApp({ DATABASE_URL: db.url, RATE_LIMIT_PER_MINUTE: "0" });
    try {
      // The window is the clock minute: keep the four calls inside one.
      const intoMinute = Date.now() % 60_000;
      if (intoMinute > 57_000) await new Promise((r) => setTimeout(r, 60_100 - intoMinute));
      const statuses: number[] = [];
      for (let i = 0; i < 4; i++) statuses.push((await call(limited.app, viewer, { url: "/v1/releases?limit=1" })).statusCode);
      expect(statuses).toEqual([200, 200, 200, 429]);
      const refused = await call(limited.app, viewer, { url: "/v1/releases?limit=1" });
      expect(Number(refused.headers["retry-after"])).toBeGreaterThanOrEqual(1);
      expect(Number(refused.headers["retry-after"])).toBeLessThanOrEqual(60);
      expect(refused.json()).toMatchObject({ statusCode: 429, error: "Too Many Requests" });
      // Another principal has its own budget.
      expect((await call(limited.app, deployer, { url: "/v1/releases?limit=1" })).statusCode).toBe(200);
      // The budget is shared through Redis: another instance learns the count with its first flush.
      await new Promise((r) => setTimeout(r, 50));
      await call(sibling.app, viewer, { url: "/v1/releases?limit=1" });
      await new Promise((r) => setTimeout(r, 50));
      expect((await call(sibling.app, viewer, { url: "/v1/releases?limit=1" })).statusCode).toBe(429);
      for (let i = 0; i < 5; i++) expect((await call(unlimited.app, viewer, { url: "/v1/releases?limit=1" })).statusCode).toBe(200);
      expect((await unlimited.app.inject({ url: "/readyz" })).json().cache).toBe("disabled");
    } finally {
      await Promise.all([limited.app.close(), sibling.app.close(), unlimited.app.close()]);
    }
  });
});

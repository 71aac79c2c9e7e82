import { afterAll, beforeAll, describe, expect, it, vi } from "vitest";
import { CONFIRMED_KEY_MAX_AGE_MS, createApiKeysRepository } from "../src/repositories/api-keys";
import { call, createKey, testApp } from "./support/app";
import { REDIS_URL, createTestDatabase, dropRedisKeys, randomPrefix } from "./support/database";
import { startTcpProxy } from "./support/tcp-proxy";

let db: Awaited<ReturnType<typeof createTestDatabase>>;
let redisProxy: Awaited<ReturnType<typeof startTcpProxy>>;
let ledger: Awaited<ReturnType<typeof testApp>>;
let sibling: Awaited<ReturnType<typeof testApp>>;
let admin: string;

beforeAll(async () => {
  db = await createTestDatabase();
  redisProxy = await startTcpProxy(Number(new URL(REDIS_URL).port || 6379), new URL(REDIS_URL).hostname);
  const common = { DATABASE_URL: db.url, REDIS_KEY_PREFIX: randomPrefix(), REDIS_COMMAND_TIMEOUT_MS: "150", REDIS_BREAKER_COOLDOWN_MS: "300" };
  // `ledger` reaches Redis through a proxy the test cuts; `sibling` (another instance) directly.
  [ledger, sibling] = await Promise.all([testApp({ ...common, REDIS_URL: `redis://127.0.0.1:${redisProxy.port}` }), testApp({ ...common, REDIS_URL })]);
  admin = (await createKey(db.url, "admin")).key;
});

afterAll(async () => {
  await Promise.all([ledger?.app.close(), sibling?.app.close()]);
  await redisProxy?.close();
  await Promise.all([db?.drop(), dropRedisKeys()]);
});

/** Counts the API-key lookups an instance sends to PostgreSQL while `work` runs. */
async function keyLookups(app: typeof ledger.app, work: () => Promise<unknown>): Promise<number> {
  const query = vi.spyOn(app.db, "query");
  try {
    await work();
    return query.mock.calls.filter(([q]) => typeof q === "object" && q.name === "api-keys-by-hash").length;
  } finally {
    query.mockRestore();
  }
}

const use = (app: typeof ledger.app, key: string) => call(app, key, { url: "/v1/api-keys" });

async function sequentially(times: number, request: () => Promise<{ statusCode: number }>): Promise<number[]> {
  const statuses: number[] = [];
  for (let i = 0; i < times; i++) statuses.push((await request()).statusCode);
  return statuses;
}

async function cacheState(app: typeof ledger.app): Promise<string> {
  return (await app.inject({ url: "/readyz" })).json<{ cache: string }>().cache;
}

describe("API keys confirmed by PostgreSQL", () => {
  it("are not looked up again on every request while Redis says no key was revoked", async () => {
    const { key } = await createKey(db.url, "admin", "repeated");
    const lookups = await keyLookups(sibling.app, () => sequentially(20, () => use(sibling.app, key)));
    // The first use, and once more when the first use started the stamp; not twenty.
    expect(lookups).toBeGreaterThan(0);
    expect(lookups).toBeLessThanOrEqual(2);
  });

  it("are refused on the very next request on every instance once revoked", async () => {
    const { key, id } = await createKey(db.url, "viewer", "to-revoke");
    await sequentially(3, () => use(ledger.app, key));
    await sequentially(3, () => use(sibling.app, key));
    expect(await keyLookups(sibling.app, () => use(sibling.app, key))).toBe(0);
    expect((await call(ledger.app, admin, { method: "DELETE", url: `/v1/api-keys/${id}` })).statusCode).toBe(204);
    expect((await use(sibling.app, key)).statusCode).toBe(401);
    expect((await use(ledger.app, key)).statusCode).toBe(401);
  });

  it("are looked up on every request by an instance that cannot reach Redis, so a revocation elsewhere holds at once", async () => {
    const { key, id } = await createKey(db.url, "viewer", "cut-off");
    await sequentially(3, () => use(ledger.app, key));
    await redisProxy.close();
    try {
      expect(await keyLookups(ledger.app, () => sequentially(3, () => use(ledger.app, key)))).toBe(3);
      expect((await call(sibling.app, admin, { method: "DELETE", url: `/v1/api-keys/${id}` })).statusCode).toBe(204);
      expect((await use(ledger.app, key)).statusCode).toBe(401);
    } finally {
      await redisProxy.open();
    }
    for (let i = 0; i < 100 && (await cacheState(ledger.app)) !== "ok"; i++) await new Promise((r) => setTimeout(r, 50));
  });

  it("revoked by an instance that cannot tell Redis: 503 saying so, refused there at once, and everywhere once Redis answers", async () => {
    const { key, id } = await createKey(db.url, "viewer", "revoked-in-an-outage");
    await sequentially(3, () => use(ledger.app, key));
    await sequentially(3, () => use(sibling.app, key));
    await redisProxy.close();
    let revoked;
    try {
      revoked = await call(ledger.app, admin, { method: "DELETE", url: `/v1/api-keys/${id}` });
      expect(revoked.statusCode).toBe(503);
      expect(revoked.json<{ message: string }>().message).toMatch(/revoked.*other instances may accept it for up to 30 s/);
      expect((await use(ledger.app, key)).statusCode).toBe(401);
    } finally {
      await redisProxy.open();
    }
    // The missed change reaches Redis as soon as it answers (before any read); from then on no instance accepts the key.
    for (let i = 0; i < 100 && (await cacheState(ledger.app)) !== "ok"; i++) await new Promise((r) => setTimeout(r, 50));
    expect(await cacheState(ledger.app)).toBe("ok");
    expect((await use(sibling.app, key)).statusCode).toBe(401);
    // Revoking again is allowed and now confirms.
    expect((await call(ledger.app, admin, { method: "DELETE", url: `/v1/api-keys/${id}` })).statusCode).toBe(204);
  });

  it("are trusted for at most 30 s without asking PostgreSQL, whatever Redis says", async () => {
    let clock = 1_000_000;
    const keys = createApiKeysRepository(sibling.app.db, { cache: sibling.app.cache, now: () => clock });
    const { key } = await createKey(db.url, "viewer", "ageing");
    for (let i = 0; i < 3; i++) expect(await keys.findActive(key)).toMatchObject({ name: "ageing" });
    expect(await keyLookups(sibling.app, () => keys.findActive(key))).toBe(0);
    clock += CONFIRMED_KEY_MAX_AGE_MS - 1;
    expect(await keyLookups(sibling.app, () => keys.findActive(key))).toBe(0);
    clock += 1;
    expect(await keyLookups(sibling.app, () => keys.findActive(key))).toBe(1);
  });
});

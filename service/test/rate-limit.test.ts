import { afterAll, beforeAll, describe, expect, it, vi } from "vitest";
import { FLUSH_INTERVAL_MS } from "../src/plugins/rate-limit";
import { call, createKey, testApp } from "./support/app";
import { REDIS_URL, createTestDatabase, dropRedisKeys, randomPrefix } from "./support/database";

let db: Awaited<ReturnType<typeof createTestDatabase>>;
let viewer: string;

beforeAll(async () => {
  db = await createTestDatabase();
  viewer = (await createKey(db.url, "viewer")).key;
});

afterAll(async () => {
  await Promise.all([db?.drop(), dropRedisKeys()]);
});

/** Runs `work` with a fresh app; the calls stay inside one clock minute (the window). */
async function withApp(env: Record<string, string>, work: (app: Awaited<ReturnType<typeof testApp>>["app"]) => Promise<void>) {
  const intoMinute = Date.now() % 60_000;
  if (intoMinute > 55_000) await new Promise((r) => setTimeout(r, 60_100 - intoMinute));
  const { app } = await testApp({ DATABASE_URL: db.url, REDIS_URL, REDIS_KEY_PREFIX: randomPrefix(), ...env });
  try {
    await work(app);
  } finally {
    await app.close();
  }
}

/** Counts the queries the app sends to PostgreSQL. */
function countQueries(app: Awaited<ReturnType<typeof testApp>>["app"]): () => number {
  let queries = 0;
  const pool = app.db.pool;
  const original = pool.query.bind(pool) as (...args: unknown[]) => unknown;
  (pool as unknown as { query: (...args: unknown[]) => unknown }).query = (...args: unknown[]) => {
    queries++;
    return original(...args);
  };
  return () => queries;
}

const randomKey = () => `rlk_${Buffer.from(crypto.getRandomValues(new Uint8Array(32))).toString("base64url")}`;

describe("the per-principal limit", () => {
  it("counts refused requests too: a 403 and a 400 use the budget like a 200", async () => {
    await withApp({ RATE_LIMIT_PER_MINUTE: "3" }, async (app) => {
      expect((await call(app, viewer, { method: "POST", url: "/v1/releases", payload: {} })).statusCode).toBe(403);
      expect((await call(app, viewer, { url: "/v1/api-keys" })).statusCode).toBe(403);
      expect((await call(app, viewer, { url: "/v1/releases?limit=5000" })).statusCode).toBe(400);
      const fourth = await call(app, viewer, { url: "/v1/releases" });
      expect(fourth.statusCode).toBe(429);
    });
  });

  it("charges an expensive read (DORA) more than a cheap one", async () => {
    await withApp({ RATE_LIMIT_PER_MINUTE: "20" }, async (app) => {
      expect((await call(app, viewer, { url: "/v1/metrics/dora" })).statusCode).toBe(200);
      expect((await call(app, viewer, { url: "/v1/metrics/dora" })).statusCode).toBe(200);
      const third = await call(app, viewer, { url: "/v1/metrics/dora" });
      expect(third.statusCode).toBe(429);
      expect(third.headers["x-ratelimit-remaining"]).toBe("0");
    });
  });
});

describe("the budget shared by every instance", () => {
  it("is sent to Redis once per flush interval, not once per request, and the other instance sees it", async () => {
    const prefix = randomPrefix();
    await withApp({ RATE_LIMIT_PER_MINUTE: "1000", REDIS_KEY_PREFIX: prefix }, async (first) => {
      await withApp({ RATE_LIMIT_PER_MINUTE: "1000", REDIS_KEY_PREFIX: prefix }, async (second) => {
        const sends = vi.spyOn(first.cache, "addToWindows");
        for (let i = 0; i < 20; i++) expect((await call(first, viewer, { url: "/v1/environments/prod/current" })).statusCode).toBe(200);
        await new Promise((r) => setTimeout(r, FLUSH_INTERVAL_MS + 50));
        // Twenty requests in separate event-loop turns, one send: a flush interval is far longer than they took.
        expect(sends.mock.calls.length).toBeLessThanOrEqual(2);
        // The other instance learns the shared total from its own first send.
        await call(second, viewer, { url: "/v1/environments/prod/current" });
        await new Promise((r) => setTimeout(r, FLUSH_INTERVAL_MS + 50));
        const seen = await call(second, viewer, { url: "/v1/environments/prod/current" });
        expect(seen.headers["x-ratelimit-remaining"]).toBe(String(1000 - 22));
        sends.mockRestore();
      });
    });
  });
});

describe("failed authentication", () => {
  it("has a per-address budget, enforced without asking PostgreSQL", async () => {
    await withApp({ RATE_LIMIT_PER_MINUTE: "600", AUTH_FAILURES_PER_MINUTE: "5" }, async (app) => {
      const queries = countQueries(app);
      for (let i = 0; i < 5; i++) expect((await call(app, randomKey(), { url: "/v1/releases" })).statusCode).toBe(401);
      const before = queries();
      for (let i = 0; i < 20; i++) {
        const refused = await call(app, randomKey(), { url: "/v1/releases" });
        expect(refused.statusCode).toBe(429);
        expect(Number(refused.headers["retry-after"])).toBeGreaterThanOrEqual(1);
      }
      expect(queries()).toBe(before);
      // Another address is not affected.
      const elsewhere = await app.inject({ url: "/v1/releases", remoteAddress: "10.9.8.7", headers: { authorization: `Bearer ${viewer}` } });
      expect(elsewhere.statusCode).toBe(200);
    });
  });

  it("an unknown key asked again is answered from a short negative cache", async () => {
    await withApp({ AUTH_FAILURES_PER_MINUTE: "1000" }, async (app) => {
      const queries = countQueries(app);
      const unknown = randomKey();
      for (let i = 0; i < 10; i++) expect((await call(app, unknown, { url: "/v1/releases" })).statusCode).toBe(401);
      expect(queries()).toBe(1);
    });
  });

  it("behind CloudFront and the ALB (TRUST_PROXY=2) counts the real client, which cannot forge another address", async () => {
    await withApp({ AUTH_FAILURES_PER_MINUTE: "3", TRUST_PROXY: "2" }, async (app) => {
      // What the ALB (10.0.0.1) passes on: X-Forwarded-For ends with the viewer's address and CloudFront's.
      const from = (forwardedFor: string, key: string) =>
        app.inject({ url: "/v1/releases", remoteAddress: "10.0.0.1", headers: { authorization: `Bearer ${key}`, "x-forwarded-for": forwardedFor } });
      for (let i = 0; i < 3; i++) expect((await from("203.0.113.9, 198.51.100.1", randomKey())).statusCode).toBe(401);
      expect((await from("203.0.113.9, 198.51.100.1", randomKey())).statusCode).toBe(429);
      // A forged leftmost entry changes nothing: CloudFront appended the real address after it.
      expect((await from("192.0.2.77, 203.0.113.9, 198.51.100.1", randomKey())).statusCode).toBe(429);
      // Everyone else behind the same ALB keeps working.
      expect((await from("192.0.2.5, 198.51.100.1", viewer)).statusCode).toBe(200);
    });
  });
});

import { Redis } from "ioredis";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { call, createKey, digest, sha, testApp } from "./support/app";
import { REDIS_URL, createTestDatabase, dropRedisKeys, randomPrefix } from "./support/database";

let db: Awaited<ReturnType<typeof createTestDatabase>>;
let ledger: Awaited<ReturnType<typeof testApp>>;
/** The same service with a budget of failed authentications per address. */
let guarded: Awaited<ReturnType<typeof testApp>>;
let monitor: Redis;
let prefix: string;
let viewer: string;

/** The commands this test file's instance sent Redis (MONITOR sees every client's; ours carry the prefix). */
const sent: string[][] = [];

beforeAll(async () => {
  db = await createTestDatabase();
  prefix = randomPrefix();
  ledger = await testApp({ DATABASE_URL: db.url, REDIS_URL, REDIS_KEY_PREFIX: prefix });
  guarded = await testApp({ DATABASE_URL: db.url, REDIS_URL, REDIS_KEY_PREFIX: prefix, AUTH_FAILURES_PER_MINUTE: "2" });
  viewer = (await createKey(db.url, "viewer")).key;
  const deployer = (await createKey(db.url, "deployer")).key;
  const release = { service: "blip", environment: "prod", version: "1.0.0", imageDigest: digest(1), commitSha: sha(1), status: "succeeded" };
  expect((await call(ledger.app, deployer, { method: "POST", url: "/v1/releases", payload: release })).statusCode).toBe(201);
  monitor = await new Redis(REDIS_URL).monitor();
  monitor.on("monitor", (_time: string, args: string[]) => {
    if (args.some((arg) => arg.startsWith(prefix))) sent.push(args);
  });
});

afterAll(async () => {
  monitor?.disconnect();
  await Promise.all([ledger?.app.close(), guarded?.app.close()]);
  await Promise.all([db?.drop(), dropRedisKeys()]);
});

const current = (key: string | undefined = viewer) => call(ledger.app, key, { url: "/v1/environments/prod/current" });
const anonymous = () => call(ledger.app, undefined, { url: "/v1/environments/prod/current" });

/** Waits until MONITOR has reported everything sent before now (an ECHO of our own, seen last, marks the point). */
async function monitorCaughtUp(): Promise<string> {
  const marker = `${prefix}mark-${Math.random()}`;
  const probe = new Redis(REDIS_URL);
  try {
    await probe.echo(marker);
    for (let i = 0; i < 100 && !sent.some((args) => args.includes(marker)); i++) await new Promise((r) => setTimeout(r, 10));
  } finally {
    probe.disconnect();
  }
  return marker;
}

/** The Redis commands `work` caused. */
async function commandsOf(work: () => Promise<unknown>): Promise<string[][]> {
  await monitorCaughtUp();
  sent.length = 0;
  await work();
  const end = await monitorCaughtUp();
  return sent.filter((args) => !args.includes(end));
}

describe("GET /current with an API key and a warm cache", () => {
  it("costs one Redis round trip: the key's stamp and the answer in one MGET", async () => {
    // Warm: the answer cached, the key confirmed under a stamp (which the first uses create).
    for (let i = 0; i < 3; i++) await current();
    expect((await current()).headers["x-cache"]).toBe("hit");

    const commands = await commandsOf(() => current());
    expect(commands.map(([name]) => name!.toLowerCase())).toEqual(["mget"]);
    expect(commands[0]).toEqual(expect.arrayContaining([`${prefix}api-keys:stamp`, `${prefix}current:prod`]));
  });

  it("reads the answer ahead, but gives it only to a caller who passed authentication", async () => {
    expect((await current()).headers["x-cache"]).toBe("hit");
    const refused = await current("rlk_" + "x".repeat(43));
    expect(refused.statusCode).toBe(401);
    expect(refused.body).not.toContain("blip");
    const missing = await anonymous();
    expect(missing.statusCode).toBe(401);
    expect(missing.body).not.toContain("blip");
  });

  it("is not started for an address over its budget of failed authentications: that answer reads nothing", async () => {
    const bad = () => call(guarded.app, "rlk_" + "y".repeat(43), { url: "/v1/environments/prod/current" });
    expect((await bad()).statusCode).toBe(401);
    expect((await bad()).statusCode).toBe(401);
    let refused: { statusCode: number } | undefined;
    const commands = await commandsOf(async () => (refused = await bad()));
    expect(refused?.statusCode).toBe(429);
    // (The earlier failures' counts may be sent meanwhile: the limiter sends them every 50 ms.)
    expect(commands.filter(([name]) => name!.toLowerCase() !== "evalsha")).toEqual([]);
  });
});

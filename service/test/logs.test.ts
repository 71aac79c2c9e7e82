import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { call, createKey, testApp } from "./support/app";
import { createTestDatabase } from "./support/database";

let db: Awaited<ReturnType<typeof createTestDatabase>>;
let ledger: Awaited<ReturnType<typeof testApp>>;
let viewer: string;

beforeAll(async () => {
  db = await createTestDatabase();
  ledger = await testApp({ DATABASE_URL: db.url, LOG_LEVEL: "info" });
  viewer = (await createKey(db.url, "viewer")).key;
});

afterAll(async () => {
  await ledger?.app.close();
  await db?.drop();
});

describe("request logs", () => {
  it("never carry secrets sent in the query string, on any route or answer", async () => {
    const secrets = ["s3cr3t-api-key-value", "t0ken-value", "acc3ss-token-value", "rlk_QueryStringSecretxxxxxxxxxxxxxxxxxxxxxxxxxxxx"];
    const urls = [
      `/v1/releases?limit=1&api_key=${secrets[0]}`,
      `/v1/environments/prod/current?token=${secrets[1]}`,
      `/nowhere?access_token=${secrets[2]}`,
      `/healthz?key=${secrets[3]}`,
      `/v1/releases?access_token=${secrets[2]}&limit=2`,
      `/v1/releases?${secrets[3]}`,
    ];
    for (const url of urls) await call(ledger.app, viewer, { url, headers: { "x-request-id": "query-secret" } });
    await new Promise((r) => setImmediate(r));
    const lines = ledger.logs.map((l) => JSON.parse(l) as Record<string, unknown>).filter((l) => l.reqId === "query-secret");
    expect(lines).toHaveLength(urls.length);
    const all = ledger.logs.join("");
    for (const secret of secrets) expect(all).not.toContain(secret);
    // What the request was is still there: the route pattern, and the query with unknown values redacted.
    expect(lines[0]).toMatchObject({ route: "/v1/releases", url: "/v1/releases?limit=1&api_key=[redacted]" });
    expect(lines[1]).toMatchObject({ route: "/v1/environments/:environment/current", url: "/v1/environments/prod/current?token=[redacted]" });
    expect(lines[4]).toMatchObject({ url: "/v1/releases?access_token=[redacted]&limit=2" });
  });
});

import { afterAll, afterEach, beforeAll, describe, expect, it, vi } from "vitest";
import { call, digest, sha, testApp } from "./support/app";
import { createTestDatabase } from "./support/database";
import { startIssuer } from "./support/jwks";

let db: Awaited<ReturnType<typeof createTestDatabase>>;
let issuer: Awaited<ReturnType<typeof startIssuer>>;
let ledger: Awaited<ReturnType<typeof testApp>>;

const roles = { roles: ["deployer"] };
const release = (n: number) => ({ service: "oidc", environment: "prod", version: `1.0.${n}`, imageDigest: digest(n), commitSha: sha(n) });

beforeAll(async () => {
  [db, issuer] = await Promise.all([createTestDatabase(), startIssuer()]);
  ledger = await testApp({ DATABASE_URL: db.url, OIDC_ISSUER: issuer.issuer, OIDC_AUDIENCE: "release-ledger" });
});

afterAll(async () => {
  await Promise.all([ledger?.app.close(), issuer?.close()]);
  await db?.drop();
});

describe("token claims", () => {
  it("refuses a token without exp, without sub, or issued in the future", async () => {
    const cases: [string, Promise<string>][] = [
      ["no exp", issuer.sign({ sub: "alice", ...roles }, { omit: ["exp"] })],
      ["no sub", issuer.sign({ ...roles })],
      ["empty sub", issuer.sign({ sub: "", ...roles })],
      ["iat an hour ahead", issuer.sign({ sub: "alice", ...roles }, { issuedAt: Math.floor(Date.now() / 1000) + 3600 })],
    ];
    for (const [name, token] of cases) {
      const response = await call(ledger.app, await token, { url: "/v1/releases" });
      expect(response.statusCode, name).toBe(401);
      expect(response.json().message, name).toMatch(/token/);
    }
    const fine = await issuer.sign({ sub: "alice", ...roles });
    expect((await call(ledger.app, fine, { url: "/v1/releases" })).statusCode).toBe(200);
  });

  it("records the email as the actor only when the provider says it is verified", async () => {
    const post = async (claims: Record<string, unknown>, n: number) =>
      (await call(ledger.app, await issuer.sign({ ...claims, ...roles }), { method: "POST", url: "/v1/releases", payload: release(n) })).json();
    expect((await post({ sub: "u-1", email: "ceo@example.com" }, 1)).actor).toBe("user:u-1");
    expect((await post({ sub: "u-2", email: "ceo@example.com", email_verified: false }, 2)).actor).toBe("user:u-2");
    expect((await post({ sub: "u-3", email: "dev@example.com", email_verified: true }, 3)).actor).toBe("user:dev@example.com");
  });
});

describe("when the identity provider's key endpoint fails", () => {
  afterEach(() => {
    vi.useRealTimers();
    issuer.jwks("ok");
  });

  // Only Date is faked: the key set's age and the tokens' exp move on, timers and sockets stay real.
  const later = (minutes: number) => {
    vi.useFakeTimers({ toFake: ["Date"] });
    vi.setSystemTime(Date.now() + minutes * 60_000);
  };

  it("keeps verifying with the last good keys past their cache age, and refreshes them in the background", async () => {
    const token = await issuer.sign({ sub: "alice", ...roles }, { expiresIn: "2h" });
    expect((await call(ledger.app, token, { url: "/v1/releases" })).statusCode).toBe(200);
    const fetches = issuer.jwksFetches();

    issuer.jwks("error");
    later(15);
    const during = await call(ledger.app, token, { url: "/v1/releases" });
    expect(during.statusCode).toBe(200);

    issuer.jwks("ok");
    later(15);
    expect((await call(ledger.app, token, { url: "/v1/releases" })).statusCode).toBe(200);
    await new Promise((r) => setTimeout(r, 200));
    expect(issuer.jwksFetches()).toBeGreaterThan(fetches);
  });

  it("does not make callers wait when the endpoint hangs", async () => {
    const token = await issuer.sign({ sub: "alice", ...roles }, { expiresIn: "2h" });
    expect((await call(ledger.app, token, { url: "/v1/releases" })).statusCode).toBe(200);
    issuer.jwks("hang");
    later(30);
    const started = performance.now();
    const response = await call(ledger.app, token, { url: "/v1/releases" });
    expect(response.statusCode).toBe(200);
    expect(performance.now() - started).toBeLessThan(1_000);
  });

  it("answers 503 only when no key it has can verify the token", async () => {
    issuer.jwks("error");
    const fresh = await testApp({ DATABASE_URL: db.url, OIDC_ISSUER: issuer.issuer, OIDC_AUDIENCE: "release-ledger" });
    try {
      const response = await call(fresh.app, await issuer.sign({ sub: "alice", ...roles }), { url: "/v1/releases" });
      expect(response.statusCode).toBe(503);
      expect(response.json().message).toMatch(/identity provider/);
      expect(response.headers["retry-after"]).toBeDefined();
      // A forged token is still a 401 once keys are known, whatever the endpoint does.
      issuer.jwks("ok");
      expect((await call(fresh.app, await issuer.sign({ sub: "alice", ...roles }), { url: "/v1/releases" })).statusCode).toBe(200);
      issuer.jwks("error");
      const forged = await issuer.sign({ sub: "mallory", ...roles }, { foreignKey: true });
      expect((await call(fresh.app, forged, { url: "/v1/releases" })).statusCode).toBe(401);
    } finally {
      await fresh.app.close();
    }
  });
});

import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { Pool } from "pg";
import { call, createKey, digest, sha, type LedgerInstance } from "../support/app";
import { REDIS_URL, createTestDatabase, dropRedisKeys, randomPrefix } from "../support/database";
import { startIssuer } from "../support/jwks";

/** How the contract reaches the service: `inject` into the app, or API Gateway events into the Lambda handler. */
export interface LedgerTransport {
  /** One instance of the service configured by `env`, as a load balancer would have several. */
  start(env: Record<string, string>): Promise<LedgerInstance>;
}

/**
 * The service's acceptance contract: what every entry point must do, whichever platform it runs on.
 * api.test.ts runs it through `inject`, lambda/api-handler.test.ts through the bundled Lambda handler.
 */
export function describeReleaseLedgerContract(transport: LedgerTransport): void {
  let db: Awaited<ReturnType<typeof createTestDatabase>>;
  let issuer: Awaited<ReturnType<typeof startIssuer>>;
  let ledger: LedgerInstance;
  let other: LedgerInstance;
  let pool: Pool;
  const keys = {} as Record<"viewer" | "deployer" | "admin", string>;

  const release = (n: number, extra: Record<string, unknown> = {}) => ({
    service: "payments",
    environment: "staging",
    version: `1.0.${n}`,
    imageDigest: digest(n),
    commitSha: sha(n),
    ...extra,
  });

  beforeAll(async () => {
    [db, issuer] = await Promise.all([createTestDatabase(), startIssuer()]);
    const env = {
      DATABASE_URL: db.url,
      REDIS_URL,
      REDIS_KEY_PREFIX: randomPrefix(),
      OIDC_ISSUER: issuer.issuer,
      OIDC_AUDIENCE: "release-ledger",
      OIDC_ROLES_CLAIM: "https://ledger.example/roles",
      LOG_LEVEL: "info",
    };
    // Two instances on the same database and Redis, as behind a load balancer.
    [ledger, other] = await Promise.all([transport.start(env), transport.start(env)]);
    for (const role of ["viewer", "deployer", "admin"] as const) keys[role] = (await createKey(db.url, role)).key;
    pool = new Pool({ connectionString: db.url, max: 1 });
  });

  afterAll(async () => {
    await Promise.all([ledger?.close(), other?.close(), pool?.end(), issuer?.close()]);
    await Promise.all([db?.drop(), dropRedisKeys()]);
  });

  describe("health and documents", () => {
    it("answers liveness without dependencies and readiness with the cache state", async () => {
      expect((await ledger.inject({ url: "/healthz" })).json()).toEqual({ status: "ok" });
      const ready = await ledger.inject({ url: "/readyz" });
      expect(ready.statusCode).toBe(200);
      expect(ready.json()).toEqual({ status: "ok", database: "ok", cache: "ok" });
    });

    it("serves an OpenAPI document generated from the route schemas", async () => {
      const doc = (await ledger.inject({ url: "/docs/json" })).json();
      expect(doc.openapi).toMatch(/^3\./);
      expect(Object.keys(doc.paths)).toEqual(
        expect.arrayContaining([
          "/v1/releases",
          "/v1/releases/{id}",
          "/v1/environments/{environment}/current",
          "/v1/metrics/dora",
          "/v1/api-keys",
          "/v1/api-keys/{id}",
        ]),
      );
      expect(doc.paths["/v1/releases"].post.requestBody.content["application/json"].schema.properties.commitSha.pattern).toBe("^[a-f0-9]{40}$");
    });

    it("honours and echoes x-request-id, and makes one up otherwise", async () => {
      const given = await ledger.inject({ url: "/healthz", headers: { "x-request-id": "trace-abc.123" } });
      expect(given.headers["x-request-id"]).toBe("trace-abc.123");
      const made = await ledger.inject({ url: "/healthz", headers: { "x-request-id": "bad id with spaces" } });
      expect(made.headers["x-request-id"]).toMatch(/^[0-9a-f-]{36}$/);
    });

    it("answers unknown routes with the error shape", async () => {
      const response = await ledger.inject({ url: "/nope" });
      expect(response.statusCode).toBe(404);
      expect(response.json()).toMatchObject({ statusCode: 404, error: "Not Found" });
    });
  });

  describe("authentication and roles", () => {
    it("401 without credentials or with a bad key, 403 with too little role", async () => {
      const none = await call(ledger, undefined, { url: "/v1/releases" });
      expect(none.statusCode).toBe(401);
      expect(none.headers["www-authenticate"]).toMatch(/^Bearer/);
      expect(none.json()).toMatchObject({ statusCode: 401, error: "Unauthorized" });
      expect((await call(ledger, `rlk_${"A".repeat(43)}`, { url: "/v1/releases" })).statusCode).toBe(401);
      expect((await call(ledger, "garbage", { url: "/v1/releases" })).statusCode).toBe(401);
      const viewerWrites = await call(ledger, keys.viewer, { method: "POST", url: "/v1/releases", payload: release(1) });
      expect(viewerWrites.statusCode).toBe(403);
      expect((await call(ledger, keys.deployer, { url: "/v1/api-keys" })).statusCode).toBe(403);
      expect((await call(ledger, keys.admin, { url: "/v1/api-keys" })).statusCode).toBe(200);
    });

    it("accepts OIDC tokens verified against the issuer's JWKS, roles from the configured claim", async () => {
      const deployer = await issuer.sign({
        sub: "alice",
        email: "alice@example.com",
        email_verified: true,
        "https://ledger.example/roles": ["viewer", "deployer"],
      });
      const created = await call(ledger, deployer, { method: "POST", url: "/v1/releases", payload: release(900, { service: "oidc-svc" }) });
      expect(created.statusCode).toBe(201);
      expect(created.json().actor).toBe("user:alice@example.com");

      const viewer = await issuer.sign({ sub: "bob", "https://ledger.example/roles": ["viewer"] });
      expect((await call(ledger, viewer, { url: "/v1/releases" })).statusCode).toBe(200);
      expect((await call(ledger, viewer, { method: "POST", url: "/v1/releases", payload: release(901) })).statusCode).toBe(403);
      const noRole = await issuer.sign({ sub: "carol" });
      expect((await call(ledger, noRole, { url: "/v1/releases" })).statusCode).toBe(403);

      const wrongAudience = await issuer.sign({ sub: "x", "https://ledger.example/roles": ["admin"] }, { audience: "someone-else" });
      expect((await call(ledger, wrongAudience, { url: "/v1/releases" })).statusCode).toBe(401);
      const forged = await issuer.sign({ sub: "x", "https://ledger.example/roles": ["admin"] }, { foreignKey: true });
      expect((await call(ledger, forged, { url: "/v1/releases" })).statusCode).toBe(401);
      const expired = await issuer.sign({ sub: "x", "https://ledger.example/roles": ["admin"] }, { expiresIn: "-1m" });
      const response = await call(ledger, expired, { url: "/v1/releases" });
      expect(response.statusCode).toBe(401);
      expect(response.json().message).toMatch(/expired/);
    });
  });

  describe("recording releases", () => {
    it("stores a release with the caller as actor and returns 201", async () => {
      const response = await call(ledger, keys.deployer, {
        method: "POST",
        url: "/v1/releases",
        payload: release(2, { committedAt: "2026-01-01T00:00:00.000Z" }),
      });
      expect(response.statusCode).toBe(201);
      const body = response.json();
      expect(body.id).toMatch(/^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/);
      expect(body).toMatchObject({
        service: "payments",
        status: "started",
        actor: "api-key:deployer-key",
        finishedAt: null,
        committedAt: "2026-01-01T00:00:00.000Z",
      });
      expect(response.headers.location).toBe(`/v1/releases/${body.id}`);
      const fetched = await call(ledger, keys.viewer, { url: `/v1/releases/${body.id}` });
      expect(fetched.json()).toEqual(body);
    });

    it("rejects bad fields, unknown fields (actor included) and says which and why", async () => {
      const bad = await call(ledger, keys.deployer, { method: "POST", url: "/v1/releases", payload: release(3, { service: "Payments!" }) });
      expect(bad.statusCode).toBe(400);
      expect(bad.json()).toMatchObject({ statusCode: 400, error: "Bad Request", details: [{ field: "body.service" }] });
      expect(bad.json().message).toMatch(/body\.service must match pattern/);

      const unknown = await call(ledger, keys.deployer, { method: "POST", url: "/v1/releases", payload: release(3, { actor: "mallory" }) });
      expect(unknown.statusCode).toBe(400);
      expect(unknown.json().details).toEqual([{ field: "body.actor", message: "is not an allowed field" }]);

      const missing = await call(ledger, keys.deployer, { method: "POST", url: "/v1/releases", payload: { service: "payments" } });
      expect(missing.statusCode).toBe(400);
      expect(missing.json().details[0].message).toBe("is required");

      for (const [field, value] of [
        ["imageDigest", "sha256:XYZ"],
        ["commitSha", "abc"],
        ["status", "done"],
        ["environment", "x"],
      ] as const) {
        const response = await call(ledger, keys.deployer, { method: "POST", url: "/v1/releases", payload: release(3, { [field]: value }) });
        expect(response.statusCode, field).toBe(400);
        expect(response.json().details[0].field).toBe(`body.${field}`);
      }
      const badQuery = await call(ledger, keys.viewer, { url: "/v1/releases?limit=500&color=red" });
      expect(badQuery.statusCode).toBe(400);
      expect((await call(ledger, keys.viewer, { url: "/v1/releases/not-a-uuid" })).json().details[0].field).toBe("params.id");
    });

    it("refuses bodies over 64 KiB with 413", async () => {
      const response = await call(ledger, keys.deployer, {
        method: "POST",
        url: "/v1/releases",
        payload: JSON.stringify({ ...release(4), version: "x".repeat(70 * 1024) }),
        headers: { "content-type": "application/json" },
      });
      expect(response.statusCode).toBe(413);
      expect(response.json()).toMatchObject({ statusCode: 413, error: "Payload Too Large" });
    });

    it("replays an Idempotency-Key with the same body and refuses it with another", async () => {
      const send = (payload: object) =>
        call(ledger, keys.deployer, { method: "POST", url: "/v1/releases", payload, headers: { "idempotency-key": "deploy-42" } });
      const first = await send(release(42));
      // Same body, other key order, from the second instance, concurrently with a third copy.
      const reordered = Object.fromEntries(Object.entries(release(42)).reverse());
      const [second, third] = await Promise.all([
        call(other, keys.deployer, { method: "POST", url: "/v1/releases", payload: reordered, headers: { "idempotency-key": "deploy-42" } }),
        send(release(42)),
      ]);
      expect([first.statusCode, second.statusCode, third.statusCode]).toEqual([201, 201, 201]);
      expect(second.body).toBe(first.body);
      expect(third.body).toBe(first.body);
      const { rows } = await pool.query("SELECT count(*)::int AS n FROM releases WHERE version = '1.0.42'");
      expect(rows[0].n).toBe(1);

      const different = await send(release(43));
      expect(different.statusCode).toBe(409);
      expect(different.json().message).toMatch(/Idempotency-Key/);
    });
  });

  describe("status transitions", () => {
    it("allows started→succeeded→rolled_back and refuses the rest with 409, changing nothing", async () => {
      const created = (
        await call(ledger, keys.deployer, {
          method: "POST",
          url: "/v1/releases",
          payload: release(50, { service: "transitions", startedAt: "2026-11-01T09:00:00.000Z" }),
        })
      ).json();
      const patch = (status: string, extra: object = {}) =>
        call(ledger, keys.deployer, { method: "PATCH", url: `/v1/releases/${created.id}`, payload: { status, ...extra } });

      expect((await patch("started")).statusCode).toBe(409);
      const succeeded = await patch("succeeded", { finishedAt: "2026-11-01T10:00:00.000Z" });
      expect(succeeded.statusCode).toBe(200);
      expect(succeeded.json()).toMatchObject({ status: "succeeded", finishedAt: "2026-11-01T10:00:00.000Z" });

      for (const status of ["failed", "succeeded", "started"]) {
        const refused = await patch(status);
        expect(refused.statusCode, status).toBe(409);
        expect(refused.json().message).toMatch(/is succeeded; it cannot become/);
      }
      const unchanged = (await call(ledger, keys.viewer, { url: `/v1/releases/${created.id}` })).json();
      expect(unchanged).toEqual(succeeded.json());

      const rolledBack = await patch("rolled_back");
      expect(rolledBack.json()).toMatchObject({ status: "rolled_back", finishedAt: "2026-11-01T10:00:00.000Z" });
      expect(rolledBack.json().rolledBackAt).not.toBeNull();
      expect((await patch("rolled_back")).statusCode).toBe(409);
      expect((await patch("succeeded")).statusCode).toBe(409);

      const missing = await call(ledger, keys.deployer, {
        method: "PATCH",
        url: "/v1/releases/00000000-0000-4000-8000-000000000000",
        payload: { status: "failed" },
      });
      expect(missing.statusCode).toBe(404);
      expect((await call(ledger, keys.viewer, { method: "PATCH", url: `/v1/releases/${created.id}`, payload: { status: "failed" } })).statusCode).toBe(403);
    });
  });

  describe("listing", () => {
    it("pages newest first with a keyset cursor and filters", async () => {
      const ids: string[] = [];
      for (let i = 0; i < 25; i++) {
        const response = await call(ledger, keys.deployer, {
          method: "POST",
          url: "/v1/releases",
          payload: release(100 + i, { service: "paged", environment: i % 2 === 0 ? "prod" : "staging" }),
        });
        ids.push(response.json().id);
      }
      const seen: string[] = [];
      let cursor: string | null = null;
      let pages = 0;
      do {
        const url: string = `/v1/releases?service=paged&limit=10${cursor ? `&cursor=${cursor}` : ""}`;
        const page = (await call(ledger, keys.viewer, { url })).json();
        seen.push(...page.items.map((r: { id: string }) => r.id));
        cursor = page.nextCursor;
        pages++;
      } while (cursor);
      expect(pages).toBe(3);
      expect(seen).toEqual([...ids].reverse());

      const prod = (await call(ledger, keys.viewer, { url: "/v1/releases?service=paged&environment=prod&limit=100" })).json();
      expect(prod.items).toHaveLength(13);
      expect(prod.nextCursor).toBeNull();
      expect(prod.items.every((r: { environment: string }) => r.environment === "prod")).toBe(true);

      const defaults = (await call(ledger, keys.viewer, { url: "/v1/releases?service=paged" })).json();
      expect(defaults.items).toHaveLength(20);
      const badCursor = await call(ledger, keys.viewer, { url: "/v1/releases?cursor=bm9wZQ" });
      expect(badCursor.statusCode).toBe(400);
      expect(badCursor.json().message).toMatch(/cursor/);
    });
  });

  describe("what runs where", () => {
    it("returns the latest succeeded release per service, from Redis once warm, invalidated by every write", async () => {
      const post = async (n: number, service: string, status = "succeeded") =>
        (await call(ledger, keys.deployer, { method: "POST", url: "/v1/releases", payload: release(n, { service, environment: "qa", status }) })).json();
      const get = (instance = ledger) => call(instance, keys.viewer, { url: "/v1/environments/qa/current" });

      const a1 = await post(200, "alpha");
      await post(201, "beta");
      await post(202, "alpha", "failed");
      const first = await get();
      expect(first.headers["x-cache"]).toBe("miss");
      expect(first.json().services).toEqual([
        { service: "alpha", version: "1.0.200", imageDigest: digest(200), releaseId: a1.id, releasedAt: a1.finishedAt },
        expect.objectContaining({ service: "beta", version: "1.0.201" }),
      ]);
      const warm = await get(other);
      expect(warm.headers["x-cache"]).toBe("hit");
      expect(warm.json()).toEqual(first.json());

      // A write on one instance is visible at once on the other.
      const a2 = await post(203, "alpha", "started");
      expect((await get()).headers["x-cache"]).toBe("miss");
      await call(ledger, keys.deployer, { method: "PATCH", url: `/v1/releases/${a2.id}`, payload: { status: "succeeded" } });
      const afterSuccess = await get(other);
      expect(afterSuccess.headers["x-cache"]).toBe("miss");
      expect(afterSuccess.json().services[0]).toMatchObject({ service: "alpha", version: "1.0.203" });

      await call(other, keys.deployer, { method: "PATCH", url: `/v1/releases/${a2.id}`, payload: { status: "rolled_back" } });
      expect((await get()).json().services[0]).toMatchObject({ service: "alpha", version: "1.0.200" });
      expect((await call(ledger, keys.viewer, { url: "/v1/environments/nowhere/current" })).json()).toEqual({ environment: "nowhere", services: [] });
    });
  });

  describe("DORA metrics", () => {
    it("computes deployments, frequency, change failure rate, lead time and time to restore", async () => {
      const insert = (service: string, status: string, committed: string, started: string, finished: string, rolledBack: string | null = null) =>
        pool.query(
          `INSERT INTO releases (service, environment, version, image_digest, commit_sha, committed_at, status, started_at, finished_at, rolled_back_at, actor)
         VALUES ($1, 'dora', '1', $2, $3, now() - $4::interval, $5, now() - $6::interval, now() - $7::interval, now() - $8::interval, 'test')`,
          [service, digest(1), sha(1), committed, status, started, finished, rolledBack],
        );
      // Lead times (commit → finish): 2 h, 4 h, 6 h (the rolled-back one counts: it was deployed).
      await insert("web", "succeeded", "10 days 2 hours", "10 days 1 hour", "10 days");
      await insert("web", "rolled_back", "5 days 4 hours", "5 days 1 hour", "5 days", "4 days 23 hours"); // restored in 1 h
      await insert("web", "failed", "3 days", "2 days 1 hour", "2 days"); // restored by the next success 3 h later
      await insert("web", "succeeded", "1 day 21 hours", "1 day 21 hours", "1 day 21 hours"); // lead 0: committed as it finished
      await insert("api", "started", "1 day", "1 day", "1 day");
      await insert("api", "succeeded", "100 days", "90 days", "89 days"); // outside the window

      const response = await call(ledger, keys.viewer, { url: "/v1/metrics/dora?environment=dora&days=30" });
      expect(response.statusCode).toBe(200);
      const dora = response.json();
      expect(dora).toMatchObject({
        environment: "dora",
        days: 30,
        deployments: 4,
        successfulDeployments: 3,
        failedDeployments: 2,
        deploymentFrequencyPerDay: 0.1,
        changeFailureRate: 0.5,
      });
      // Lead times: 7200, 14400, 0 → median 7200. Restores: 3600 (rollback) and 10800 (failed → next success).
      expect(dora.medianLeadTimeSeconds).toBe(7200);
      expect(dora.medianTimeToRestoreSeconds).toBe(7200);
      const empty = (await call(ledger, keys.viewer, { url: "/v1/metrics/dora?environment=empty" })).json();
      expect(empty).toMatchObject({ days: 30, deployments: 0, changeFailureRate: null, medianLeadTimeSeconds: null });
      expect((await call(ledger, keys.viewer, { url: "/v1/metrics/dora?days=0" })).statusCode).toBe(400);
    });
  });

  describe("API keys", () => {
    it("creates a key shown once, lists without secrets, revokes it for every instance at once", async () => {
      const created = await call(ledger, keys.admin, { method: "POST", url: "/v1/api-keys", payload: { name: "ci", role: "deployer" } });
      expect(created.statusCode).toBe(201);
      const { key, id } = created.json();
      expect(key).toMatch(/^rlk_[A-Za-z0-9_-]{43}$/);
      const { rows } = await pool.query("SELECT key_hash FROM api_keys WHERE id = $1", [id]);
      expect(rows[0].key_hash.toString("hex")).not.toContain(Buffer.from(key).toString("hex"));
      const stored = await pool.query("SELECT * FROM api_keys WHERE id = $1", [id]);
      expect(JSON.stringify(stored.rows)).not.toContain(key);

      const list = await call(ledger, keys.admin, { url: "/v1/api-keys" });
      expect(list.body).not.toContain(key);
      expect(list.json().items.find((k: { id: string }) => k.id === id)).toMatchObject({ name: "ci", role: "deployer", revokedAt: null });

      // Warm both instances with the key, revoke on one, and the very next use fails on both.
      expect((await call(ledger, key, { url: "/v1/releases?limit=1" })).statusCode).toBe(200);
      expect((await call(other, key, { url: "/v1/releases?limit=1" })).statusCode).toBe(200);
      expect((await call(ledger, keys.admin, { method: "DELETE", url: `/v1/api-keys/${id}` })).statusCode).toBe(204);
      expect((await call(other, key, { url: "/v1/releases?limit=1" })).statusCode).toBe(401);
      expect((await call(ledger, key, { url: "/v1/releases?limit=1" })).statusCode).toBe(401);
      expect((await call(ledger, keys.admin, { method: "DELETE", url: "/v1/api-keys/00000000-0000-4000-8000-000000000000" })).statusCode).toBe(404);
      expect((await call(ledger, keys.admin, { method: "POST", url: "/v1/api-keys", payload: { name: "x", role: "root" } })).statusCode).toBe(400);
    });
  });

  describe("logs", () => {
    it("are JSON lines with the request id, and never contain a credential", async () => {
      await call(ledger, keys.viewer, { url: "/v1/releases?limit=1", headers: { "x-request-id": "log-check-1" } });
      await new Promise((r) => setImmediate(r));
      const lines = ledger.logs.map((l) => JSON.parse(l));
      expect(lines.find((l) => l.reqId === "log-check-1")).toMatchObject({ msg: "request", statusCode: 200, url: "/v1/releases?limit=1" });
      const all = ledger.logs.join("");
      for (const secret of Object.values(keys)) expect(all).not.toContain(secret);
      expect(all).not.toMatch(/rlk_[A-Za-z0-9_-]{43}|eyJ[A-Za-z0-9_-]+\.eyJ/);
    });
  });

  describe("metrics", () => {
    it("aggregates request and business metrics in memory and flushes them as EMF documents", () => {
      // Summed over every document this file emitted: ECS flushes on a timer, Lambda after each invocation.
      ledger.metrics.flush();
      const docs = ledger.emitted.map((line) => JSON.parse(line));
      const total = (name: string) => docs.reduce((sum, doc) => sum + (doc[name] ?? 0), 0);
      for (const doc of docs) {
        expect(doc._aws.CloudWatchMetrics[0]).toMatchObject({ Namespace: "ReleaseLedger", Dimensions: [["Environment"]] });
        expect(doc.Environment).toBe("test");
        if (doc.HttpLatency) expect(doc.HttpLatency.Values.length).toBe(doc.HttpLatency.Counts.length);
      }
      expect(total("HttpRequests")).toBeGreaterThan(20);
      expect(total("Http4xx")).toBeGreaterThan(5);
      expect(total("ReleasesRecorded")).toBeGreaterThan(25);
      expect(total("ReleaseTransitions")).toBeGreaterThan(2);
      expect(total("CacheMisses")).toBeGreaterThan(0);
      expect(docs.reduce((sum, doc) => sum + (doc.HttpLatency?.Count ?? 0), 0)).toBe(total("HttpRequests"));
      const emitted = ledger.emitted.length;
      ledger.metrics.flush();
      expect(ledger.emitted).toHaveLength(emitted);
    });
  });
}

import { cp, readFile, readdir, rm } from "node:fs/promises";
import { join, sep } from "node:path";
import { brotliDecompressSync, gunzipSync } from "node:zlib";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { buildApp } from "../../src/app";
import { loadConfig } from "../../src/config";
import { exampleReleases, seedExampleReleases } from "../../src/dev-seed";
import { Metrics } from "../../src/observability/metrics";
import { call, createKey, digest, sha } from "../support/app";
import { createTestDatabase } from "../support/database";
import { buildPageForTest } from "./build-page";

let db: Awaited<ReturnType<typeof createTestDatabase>>;
let page: Awaited<ReturnType<typeof buildPageForTest>>;
let app: Awaited<ReturnType<typeof buildApp>>;
const keys = {} as Record<"viewer" | "deployer", string>;

beforeAll(async () => {
  [db, page] = await Promise.all([createTestDatabase(), buildPageForTest()]);
  await seedExampleReleases(db.url);
  const config = loadConfig({
    DATABASE_URL: db.url,
    LOG_LEVEL: "silent",
    RATE_LIMIT_PER_MINUTE: "0",
    OIDC_ISSUER: "https://id.example.com/realm",
    OIDC_AUDIENCE: "ledger",
  });
  app = await buildApp({ config, webAssetsDir: page.dir, metrics: new Metrics("test", () => undefined), logStream: { write: () => undefined } });
  keys.viewer = (await createKey(db.url, "viewer")).key;
  keys.deployer = (await createKey(db.url, "deployer")).key;
});

afterAll(async () => {
  await app?.close();
  await db?.drop();
  if (page) await rm(page.dir, { recursive: true, force: true });
});

describe("the page", () => {
  it("stays within the first-load budget", () => {
    expect(page.gzipBytes).toBeGreaterThan(10_000);
    expect(page.gzipBytes).toBeLessThanOrEqual(150 * 1024);
  });

  it("bundles none of the service's own code: the API's types reach the page as types only", () => {
    const serviceSources = join(__dirname, "..", "..", "src") + sep;
    expect(page.inputs.some((input) => input.endsWith(join("web", "src", "api.ts")))).toBe(true);
    expect(page.inputs.filter((input) => input.startsWith(serviceSources))).toEqual([]);
  });

  it("serves an HTML shell with a strict policy and no inline script", async () => {
    const response = await app.inject({ url: "/" });
    expect(response.statusCode).toBe(200);
    expect(response.headers["content-type"]).toContain("text/html");
    const csp = String(response.headers["content-security-policy"]);
    expect(csp).toContain("script-src 'self'");
    expect(csp).toContain("frame-ancestors 'none'");
    expect(csp).toContain("connect-src 'self' https://id.example.com");
    expect(csp).not.toContain("unsafe");
    expect(response.headers["x-frame-options"]).toBe("DENY");
    const scripts = [...response.body.matchAll(/<script\b([^>]*)>([\s\S]*?)<\/script>/g)];
    expect(scripts).toHaveLength(1);
    expect(scripts[0]![1]).toContain(`src="/assets/${page.script}"`);
    expect(scripts[0]![2]).toBe("");
    expect(response.body).not.toMatch(/\sstyle=|<style/);
  });

  it("serves hashed assets compressed and cacheable forever, and 404s unknown ones", async () => {
    const response = await app.inject({ url: `/assets/${page.script}`, headers: { "accept-encoding": "gzip" } });
    expect(response.statusCode).toBe(200);
    expect(response.headers["content-encoding"]).toBe("gzip");
    expect(response.headers["cache-control"]).toContain("immutable");
    expect(gunzipSync(response.rawPayload).toString()).toContain("oauth");
    expect((await app.inject({ url: "/assets/app-OLD.js" })).statusCode).toBe(404);
    expect((await app.inject({ url: "/assets/..%2f..%2fpackage.json" })).statusCode).toBe(404);
  });

  it("compresses its assets when built, so the service starts without compressing", async () => {
    const script = await readFile(join(page.dir, page.script));
    expect(brotliDecompressSync(await readFile(join(page.dir, `${page.script}.br`)))).toEqual(script);
    expect(gunzipSync(await readFile(join(page.dir, `${page.script}.gz`)))).toEqual(script);
    const response = await app.inject({ url: `/assets/${page.script}`, headers: { "accept-encoding": "br, gzip" } });
    expect(response.headers["content-encoding"]).toBe("br");
    expect(response.rawPayload).toEqual(await readFile(join(page.dir, `${page.script}.br`)));
  });

  it("compresses an asset on its first request when the build left it plain", async () => {
    const plain = `${page.dir}-plain`;
    await cp(page.dir, plain, { recursive: true, filter: (source) => !/\.(br|gz)$/.test(source) });
    const other = await buildApp({
      config: loadConfig({ DATABASE_URL: db.url, LOG_LEVEL: "silent" }),
      webAssetsDir: plain,
      metrics: new Metrics("test", () => undefined),
      logStream: { write: () => undefined },
    });
    try {
      expect((await readdir(plain)).filter((name) => /\.(br|gz)$/.test(name))).toEqual([]);
      const script = await readFile(join(plain, page.script));
      for (const [encoding, decompress] of [
        ["br", brotliDecompressSync],
        ["gzip", gunzipSync],
      ] as const) {
        const response = await other.inject({ url: `/assets/${page.script}`, headers: { "accept-encoding": encoding } });
        expect(response.headers["content-encoding"]).toBe(encoding);
        expect(decompress(response.rawPayload)).toEqual(script);
      }
      expect((await other.inject({ url: "/assets/app-OLD.js", headers: { "accept-encoding": "br" } })).statusCode).toBe(404);
    } finally {
      await other.close();
      await rm(plain, { recursive: true, force: true });
    }
  });

  it("publishes what sign-in needs and names the missing setting", async () => {
    const settings = (await app.inject({ url: "/ui/settings.json" })).json();
    expect(settings).toEqual({ environment: "local", signIn: { kind: "not-configured", missing: ["OIDC_WEB_CLIENT_ID"] } });
  });
});

describe("the page's reads", () => {
  it("needs the same authentication as the rest of the API", async () => {
    for (const url of ["/v1/me", "/v1/dashboard/matrix", "/v1/metrics/dora/trend"]) {
      expect((await app.inject({ url })).statusCode).toBe(401);
    }
  });

  it("tells the caller who it is", async () => {
    const response = await call(app, keys.viewer, { url: "/v1/me" });
    expect(response.json()).toEqual({ actor: "api-key:viewer-key", role: "viewer", kind: "api-key" });
  });

  it("shows every environment × service with what runs there and the newest attempt", async () => {
    const { cells } = (await call(app, keys.viewer, { url: "/v1/dashboard/matrix" })).json();
    expect(cells).toHaveLength(12);
    const paymentsProd = cells.find((c: { environment: string; service: string }) => c.environment === "prod" && c.service === "payments");
    // The seeded history ends with a failed payments deployment to prod: the previous success keeps running.
    expect(paymentsProd.latest.status).toBe("failed");
    expect(paymentsProd.current.version).not.toBe(paymentsProd.latest.version);

    const created = await call(app, keys.deployer, {
      method: "POST",
      url: "/v1/releases",
      payload: { service: "ledger-ui", environment: "qa", version: "0.1.0", imageDigest: digest(7), commitSha: sha(7), status: "succeeded" },
    });
    expect(created.statusCode).toBe(201);
    const after = (await call(app, keys.viewer, { url: "/v1/dashboard/matrix" })).json().cells;
    expect(after.find((c: { environment: string }) => c.environment === "qa")).toMatchObject({
      service: "ledger-ui",
      current: { version: "0.1.0", actor: "api-key:deployer-key", imageDigest: digest(7) },
      latest: { status: "succeeded" },
    });
  });

  it("splits the DORA window into buckets that add up to the headline numbers", async () => {
    for (const days of [30, 90]) {
      const trend = (await call(app, keys.viewer, { url: `/v1/metrics/dora/trend?environment=prod&days=${days}` })).json();
      const headline = (await call(app, keys.viewer, { url: `/v1/metrics/dora?environment=prod&days=${days}` })).json();
      expect(trend.bucketDays).toBe(days / 15);
      expect(trend.points).toHaveLength(15);
      const sum = (key: string) => trend.points.reduce((n: number, p: Record<string, number>) => n + p[key]!, 0);
      expect(sum("deployments")).toBe(headline.deployments);
      expect(sum("failedDeployments")).toBe(headline.failedDeployments);
    }
    const seededProd = exampleReleases().filter((r) => r.environment === "prod").length;
    expect(seededProd).toBeGreaterThan(20);
  });

  it("refuses a window outside 1–365 days with a 400 naming the field", async () => {
    const response = await call(app, keys.viewer, { url: "/v1/metrics/dora/trend?days=0" });
    expect(response.statusCode).toBe(400);
    expect(response.body).toContain("days");
  });
});

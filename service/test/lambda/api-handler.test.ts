import { spawnSync } from "node:child_process";
import { mkdtemp, readFile, rm } from "node:fs/promises";
import { createRequire } from "node:module";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { bundleLambda, type BundledLambda } from "../../scripts/lambda-bundle";
import { type ApiHandler, type createApiHandler } from "../../src/lambda/api";
import { buildApp } from "../../src/app";
import { loadConfig } from "../../src/config";
import { expectedMigrationCount } from "../../src/db/migrate";
import { Metrics } from "../../src/observability/metrics";
import { describeReleaseLedgerContract } from "../contract/release-ledger";
import { createKey, type LedgerInstance } from "../support/app";
import { REDIS_URL, createTestDatabase, randomPrefix } from "../support/database";
import { fromHttpApiResult, httpApiEvent, lambdaContext } from "../support/http-api-events";

const nodeRequire = createRequire(__filename);
let outDir: string;
let bundled: BundledLambda;

/** A fresh copy of the bundle, as a new execution environment loads it (its own module state). */
function loadBundle(): { handler: ApiHandler; createApiHandler: typeof createApiHandler } {
  const path = join(bundled.dir, `${bundled.module}.js`);
  delete nodeRequire.cache[nodeRequire.resolve(path)];
  return nodeRequire(path) as { handler: ApiHandler; createApiHandler: typeof createApiHandler };
}

beforeAll(async () => {
  outDir = await mkdtemp(join(tmpdir(), "ledger-lambda-"));
  bundled = await bundleLambda("api", outDir);
}, 120_000);

afterAll(async () => {
  if (outDir) await rm(outDir, { recursive: true, force: true });
});

describe("the acceptance contract through the bundled Lambda handler and API Gateway HTTP API events", () => {
  describeReleaseLedgerContract({
    async start(env): Promise<LedgerInstance> {
      const logs: string[] = [];
      const emitted: string[] = [];
      const config = loadConfig({ LOG_LEVEL: "silent", RATE_LIMIT_PER_MINUTE: "0", AUTH_FAILURES_PER_MINUTE: "0", ...env });
      const metrics = new Metrics(env.PLATFORM_ENVIRONMENT ?? "test", (line) => emitted.push(line));
      const { createApiHandler: create } = loadBundle();
      const handler = await create({ config, metrics, logStream: { write: (line) => logs.push(line) } });
      return {
        inject: async (options) => fromHttpApiResult(await handler(httpApiEvent(options), lambdaContext())),
        logs,
        emitted,
        metrics,
        close: () => handler.close(),
      };
    },
  });
});

describe("the exported handler, as Lambda calls it", () => {
  it("cold-starts from the environment: migrates an empty database, then answers with API Gateway's request id", async () => {
    const db = await createTestDatabase({ migrated: false });
    try {
      const event = httpApiEvent({ url: "/readyz" });
      const run = invokeInFreshProcess(event, { DATABASE_URL: db.url, REDIS_URL, REDIS_KEY_PREFIX: randomPrefix(), PLATFORM_ENVIRONMENT: "lambda-test" });
      expect(run.status, run.stderr).toBe(0);
      const response = fromHttpApiResult(JSON.parse(run.stdout.trim().split("\n").at(-1)!));
      expect(response.statusCode).toBe(200);
      expect(response.json()).toEqual({ status: "ok", database: "ok", cache: "ok" });
      expect(response.headers["x-request-id"]).toBe(event.requestContext.requestId);
      const logged = run.stdout
        .split("\n")
        .filter((line) => line.startsWith("{"))
        .map((line) => JSON.parse(line));
      expect(logged.filter((line) => /^applied migration/.test(line.msg))).toHaveLength(expectedMigrationCount());
      expect(logged.find((line) => line.msg === "request")).toMatchObject({ reqId: event.requestContext.requestId, statusCode: 200 });
    } finally {
      await db.drop();
    }
  });

  it("fails the invocation with every bad setting named when the configuration is wrong", () => {
    const run = invokeInFreshProcess(httpApiEvent({ url: "/healthz" }), { DATABASE_URL: "mysql://nope", LOG_LEVEL: "loud" });
    expect(run.status).toBe(3);
    expect(run.stdout).toMatch(/DATABASE_URL must use postgres: or postgresql:/);
    expect(run.stdout).toMatch(/LOG_LEVEL="loud" is not valid/);
  });

  it("parses a query string exactly as the app behind the load balancer does", async () => {
    const db = await createTestDatabase();
    const env = { DATABASE_URL: db.url, LOG_LEVEL: "silent", RATE_LIMIT_PER_MINUTE: "0" };
    const direct = await createLambdaInstance(env, (await createKey(db.url, "viewer")).key);
    try {
      // API Gateway joins repeated keys with commas in its parsed copy; the app must still see what was sent.
      for (const url of [
        "/v1/releases?limit=2&limit=3",
        "/v1/releases?service=a,b",
        "/v1/releases?service=a&service=b",
        "/v1/releases?service=a%2Cb&limit=1",
      ]) {
        const viaLambda = await direct.lambda(url);
        const viaInject = await direct.inject(url);
        expect({ status: viaLambda.statusCode, body: viaLambda.body }, url).toEqual({ status: viaInject.statusCode, body: viaInject.body });
      }
    } finally {
      await direct.close();
      await db.drop();
    }
  });

  it("bundles into the same archive, byte for byte, from the same sources", async () => {
    const again = await bundleLambda("api", await mkdtemp(join(tmpdir(), "ledger-lambda-again-")));
    try {
      expect(await readFile(again.archive)).toEqual(await readFile(bundled.archive));
    } finally {
      await rm(join(again.archive, ".."), { recursive: true, force: true });
    }
  }, 120_000);
});

/**
 * Loads the bundle in a new Node process, as a new execution environment does, and invokes its `handler` once:
 * the result is the last line of stdout; a failed invocation prints its error and exits with 3.
 */
function invokeInFreshProcess(event: unknown, env: Record<string, string>) {
  const script = `require(${JSON.stringify(join(bundled.dir, `${bundled.module}.js`))}).handler(${JSON.stringify(event)}, {}).then(
    (result) => { console.log(JSON.stringify(result)); process.exit(0); },
    (error) => { console.log(error.message); process.exit(3); })`;
  return spawnSync(process.execPath, ["-e", script], {
    env: { PATH: process.env.PATH, AWS_LAMBDA_FUNCTION_NAME: "release-ledger-api", ...env },
    encoding: "utf8",
    timeout: 60_000,
  });
}

/** One bundled handler and a plain app on the same settings, to compare their answers to one request. */
async function createLambdaInstance(env: Record<string, string>, key: string) {
  const headers = { authorization: `Bearer ${key}`, "x-request-id": "same-for-both" };
  const config = loadConfig(env);
  const { createApiHandler: create } = loadBundle();
  const handler = await create({ config, logStream: { write: () => undefined } });
  const app = await buildApp({ config, logStream: { write: () => undefined } });
  return {
    lambda: async (url: string) => fromHttpApiResult(await handler(httpApiEvent({ url, headers }), lambdaContext())),
    inject: (url: string) => app.inject({ url, headers }),
    close: () => Promise.all([handler.close(), app.close()]),
  };
}

describe("the origin check (the ALB's listener rule on the other platforms)", () => {
  it("refuses a request without CloudFront's secret header before the app sees it, and passes one with it", async () => {
    const db = await createTestDatabase();
    try {
      const config = loadConfig({ DATABASE_URL: db.url, LOG_LEVEL: "silent" });
      const logs: string[] = [];
      const { createApiHandler: create } = loadBundle();
      const handler = await create({
        config,
        originVerify: { header: "X-Origin-Verify", value: "s3cret-from-cloudfront" },
        logStream: { write: (line) => logs.push(line) },
      });
      try {
        const invoke = async (headers: Record<string, string>) => fromHttpApiResult(await handler(httpApiEvent({ url: "/healthz", headers }), lambdaContext()));
        const attempts: Record<string, string>[] = [{}, { "x-origin-verify": "wrong" }, { "x-origin-verify": "s3cret-from-cloudfron" }];
        for (const headers of attempts) {
          const refused = await invoke(headers);
          expect(refused.statusCode).toBe(403);
          expect(refused.json().message).toMatch(/CloudFront distribution only/);
        }
        expect(logs).toEqual([]);
        expect((await invoke({ "X-Origin-Verify": "s3cret-from-cloudfront" })).statusCode).toBe(200);
      } finally {
        await handler.close();
      }
    } finally {
      await db.drop();
    }
  });
});

describe("the bundling script's other entries", () => {
  it("bundles the DORA snapshot job into its own archive with only its handler", async () => {
    const dora = await bundleLambda("dora-snapshot", outDir);
    expect(dora.module).toBe("dist/lambda/dora-snapshot");
    const loaded = nodeRequire(join(dora.dir, `${dora.module}.js`)) as { handler?: unknown };
    expect(typeof loaded.handler).toBe("function");
    expect(dora.archiveBytes).toBeLessThan(bundled.archiveBytes);
    await expect(bundleLambda("nope", outDir)).rejects.toThrow(/no Lambda entry named "nope": expected one of api, dora-snapshot/);
  }, 120_000);
});

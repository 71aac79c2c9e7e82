/**
 * `pnpm --filter @platform/service bench:lambda`: bundles the API handler and reports
 *  - the archive's size (zipped, what Lambda stores; and the bundle unzipped);
 *  - cold start, median of BENCH_COLD_STARTS fresh Node processes (default 5): Node's own start, loading the
 *    bundle, then the first request (API key check + one list query against PostgreSQL and Redis), which
 *    waits for the rest of the init (config, migration check, building the app); then a warm request;
 *  - memory: the process's peak RSS after those requests, against the function's memory setting.
 * On this machine, not Lambda: a Lambda's CPU share grows with its memory setting (a full vCPU at 1,769 MB), so
 * read the figures as the work a cold start does, not as what Lambda will measure.
 * Servers: BENCH_POSTGRES_URL / BENCH_REDIS_URL (default: the local ones); a throw-away database is used.
 */
import { spawnSync } from "node:child_process";
import { randomBytes } from "node:crypto";
import { join } from "node:path";
import { Client, Pool } from "pg";
import { loadConfig } from "../src/config";
import { Database } from "../src/db/database";
import { runMigrations } from "../src/db/migrate";
import { createApiKeysRepository } from "../src/repositories/api-keys";
import { bundleLambda } from "./lambda-bundle";

const ADMIN_URL = process.env.BENCH_POSTGRES_URL ?? "postgres://postgres@127.0.0.1:5432/postgres";
const REDIS_URL = process.env.BENCH_REDIS_URL ?? "redis://127.0.0.1:6379";
const COLD_STARTS = Number(process.env.BENCH_COLD_STARTS ?? 5);
/** The function's default memory setting (infra's lambda settings); what the peak RSS is compared with. */
const MEMORY_SETTING_MB = Number(process.env.BENCH_MEMORY_MB ?? 1024);

interface ColdStart {
  nodeStartMs: number;
  loadMs: number;
  firstRequestMs: number;
  warmRequestMs: number;
  peakRssMb: number;
  status: number;
}

// Runs in the fresh process: performance.now() counts from the process's start.
const PROBE = `
const nodeStartMs = performance.now();
const bundle = require(process.env.BENCH_BUNDLE);
const loadMs = performance.now() - nodeStartMs;
const event = (id) => ({ version: "2.0", routeKey: "$default", rawPath: "/v1/releases", rawQueryString: "limit=20",
  headers: { host: "bench", authorization: "Bearer " + process.env.BENCH_KEY },
  requestContext: { http: { method: "GET", path: "/v1/releases", protocol: "HTTP/1.1", sourceIp: "203.0.113.7", userAgent: "bench" }, requestId: id, stage: "$default" },
  isBase64Encoded: false });
(async () => {
  let t = performance.now();
  const first = await bundle.handler(event("first"), {});
  const firstRequestMs = performance.now() - t;
  t = performance.now();
  await bundle.handler(event("warm"), {});
  const warmRequestMs = performance.now() - t;
  const peakRssMb = process.resourceUsage().maxRSS / 1024;
  process.stderr.write("BENCH " + JSON.stringify({ nodeStartMs, loadMs, firstRequestMs, warmRequestMs, peakRssMb, status: first.statusCode }) + "\\n");
  process.exit(0);
})().catch((e) => { process.stderr.write(String(e) + "\\n"); process.exit(1); });
`;

const median = (values: number[]) => [...values].sort((a, b) => a - b)[Math.floor(values.length / 2)]!;

async function main(): Promise<void> {
  const bundled = await bundleLambda("api");
  const name = `ledger_bench_lambda_${randomBytes(4).toString("hex")}`;
  const admin = new Client({ connectionString: ADMIN_URL });
  await admin.connect();
  await admin.query(`CREATE DATABASE ${name}`);
  const url = new URL(ADMIN_URL);
  url.pathname = `/${name}`;
  try {
    await runMigrations(loadConfig({ DATABASE_URL: url.href }).database, () => undefined);
    const pool = new Pool({ connectionString: url.href, max: 1 });
    const { key } = await createApiKeysRepository(new Database(pool)).create({ name: "bench", role: "viewer", createdBy: "bench" });
    await pool.end();
    const runs: ColdStart[] = [];
    for (let i = 0; i < COLD_STARTS; i++) {
      const run = spawnSync(process.execPath, ["-e", PROBE], {
        env: {
          PATH: process.env.PATH,
          AWS_LAMBDA_FUNCTION_NAME: "release-ledger-api",
          BENCH_BUNDLE: join(bundled.dir, `${bundled.module}.js`),
          BENCH_KEY: key,
          DATABASE_URL: url.href,
          REDIS_URL,
          REDIS_KEY_PREFIX: `bench-${randomBytes(4).toString("hex")}:`,
          LOG_LEVEL: "warn",
          NODE_ENV: "production",
        },
        encoding: "utf8",
        timeout: 60_000,
      });
      const line = run.stderr.split("\n").find((l) => l.startsWith("BENCH "));
      if (run.status !== 0 || line === undefined) throw new Error(`cold start ${i + 1} failed (exit ${run.status}): ${run.stderr.trim()}`);
      const result = JSON.parse(line.slice("BENCH ".length)) as ColdStart;
      if (result.status !== 200) throw new Error(`cold start ${i + 1}: the first request answered ${result.status}, expected 200`);
      runs.push(result);
    }
    const m = (field: keyof ColdStart) => median(runs.map((r) => r[field]));
    const coldStartMs = m("nodeStartMs") + m("loadMs") + m("firstRequestMs");
    const peak = Math.max(...runs.map((r) => r.peakRssMb));
    const lines = [
      `archive      ${(bundled.archiveBytes / 1024).toFixed(0)} KiB zipped (${bundled.archive}); bundle ${(bundled.bundleBytes / 1024).toFixed(0)} KiB unzipped`,
      `cold start   ${coldStartMs.toFixed(0)} ms median of ${runs.length} fresh processes: node start ${m("nodeStartMs").toFixed(0)} ms + load bundle ${m("loadMs").toFixed(0)} ms + first request (incl. init) ${m("firstRequestMs").toFixed(0)} ms`,
      `warm request ${m("warmRequestMs").toFixed(1)} ms median`,
      `memory       peak RSS ${peak.toFixed(0)} MB of a ${MEMORY_SETTING_MB} MB setting (${((peak / MEMORY_SETTING_MB) * 100).toFixed(0)} %)`,
    ];
    process.stdout.write(`${lines.join("\n")}\n`);
  } finally {
    await admin.query(`DROP DATABASE IF EXISTS ${name} WITH (FORCE)`);
    await admin.end();
  }
}

main().catch((error: unknown) => {
  process.stderr.write(`${error instanceof Error ? error.message : String(error)}\n`);
  process.exit(1);
});

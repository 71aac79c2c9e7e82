/**
 * `pnpm --filter @platform/service bench`: in one run on this machine, loads a bare Fastify hello-world and
 * GET /v1/environments/:env/current (warm cache) of the real service with autocannon (50 connections,
 * BENCH_DURATION_S seconds each, loopback), and prints both throughputs, their ratio, p99 latency and the
 * service's peak RSS under load. Uses a throwaway database on the local PostgreSQL and a random key
 * prefix on the local Redis (override with BENCH_POSTGRES_URL / BENCH_REDIS_URL).
 */
import { spawn, type ChildProcess } from "node:child_process";
import { randomBytes } from "node:crypto";
import { readFileSync } from "node:fs";
import { createServer, type AddressInfo } from "node:net";
import { join } from "node:path";
import autocannon from "autocannon";
import { Redis } from "ioredis";
import { Client, Pool } from "pg";
import { loadConfig } from "../src/config";
import { Database } from "../src/db/database";
import { runMigrations } from "../src/db/migrate";
import { createApiKeysRepository } from "../src/repositories/api-keys";

const CONNECTIONS = 50;
const DURATION_S = Number(process.env.BENCH_DURATION_S ?? 10);
const ADMIN_URL = process.env.BENCH_POSTGRES_URL ?? "postgres://postgres@127.0.0.1:5432/postgres";
const REDIS_URL = process.env.BENCH_REDIS_URL ?? "redis://127.0.0.1:6379";
const AIM = { ratio: 0.4, p99Ms: 25, rssMb: 200 };

async function freePort(): Promise<number> {
  const server = createServer();
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  const { port } = server.address() as AddressInfo;
  await new Promise((resolve) => server.close(resolve));
  return port;
}

async function waitFor(url: string): Promise<void> {
  for (let i = 0; i < 300; i++) {
    try {
      if ((await fetch(url)).ok) return;
    } catch {
      // not listening yet
    }
    await new Promise((r) => setTimeout(r, 100));
  }
  throw new Error(`${url} did not become ready`);
}

function rssMb(pid: number): number {
  const match = /VmRSS:\s+(\d+) kB/.exec(readFileSync(`/proc/${pid}/status`, "utf8"));
  return match ? Number(match[1]) / 1024 : 0;
}

async function load(name: string, url: string, headers: Record<string, string> = {}, pid?: number) {
  let peakRss = 0;
  const sampler = pid === undefined ? undefined : setInterval(() => (peakRss = Math.max(peakRss, rssMb(pid))), 250);
  process.stderr.write(`loading ${name} for ${DURATION_S} s with ${CONNECTIONS} connections…\n`);
  const result = await autocannon({ url, connections: CONNECTIONS, duration: DURATION_S, headers });
  if (sampler) clearInterval(sampler);
  if (result.non2xx > 0 || result.errors > 0) throw new Error(`${name}: ${result.non2xx} non-2xx answers and ${result.errors} errors under load`);
  return { rps: result.requests.average, p99: result.latency.p99, p50: result.latency.p50, total: result.requests.total, peakRss };
}

async function main(): Promise<void> {
  const children: ChildProcess[] = [];
  const dbName = `ledger_bench_${randomBytes(4).toString("hex")}`;
  const admin = new Client({ connectionString: ADMIN_URL });
  await admin.connect();
  await admin.query(`CREATE DATABASE ${dbName}`);
  const dbUrl = new URL(ADMIN_URL);
  dbUrl.pathname = `/${dbName}`;
  try {
    // Baseline.
    const helloPort = await freePort();
    const hello = spawn(process.execPath, ["-r", "ts-node/register/transpile-only", join(__dirname, "hello-server.ts")], {
      env: { ...process.env, PORT: String(helloPort) },
      stdio: ["ignore", "ignore", "inherit"],
    });
    children.push(hello);
    await waitFor(`http://127.0.0.1:${helloPort}/`);
    const baseline = await load("bare Fastify hello-world", `http://127.0.0.1:${helloPort}/`);
    hello.kill("SIGTERM");

    // The service, built (dist/) and started as in production, with Redis and an API key.
    const config = loadConfig({ DATABASE_URL: dbUrl.href });
    await runMigrations(config.database, () => undefined);
    const pool = new Pool({ connectionString: dbUrl.href, max: 2 });
    const { key } = await createApiKeysRepository(new Database(pool)).create({ name: "bench", role: "viewer", createdBy: "bench" });
    for (let i = 0; i < 12; i++) {
      await pool.query(
        `INSERT INTO releases (service, environment, version, image_digest, commit_sha, status, finished_at, actor)
         VALUES ($1, 'bench', $2, $3, $4, 'succeeded', now(), 'bench')`,
        [`service-${i}`, `1.${i}.0`, `sha256:${i.toString(16).padStart(64, "0")}`, i.toString(16).padStart(40, "0")],
      );
    }
    await pool.end();
    const port = await freePort();
    // BENCH_SERVICE_NODE_ARGS="--cpu-prof --cpu-prof-dir=/tmp/prof" profiles the service under load.
    const nodeArgs = (process.env.BENCH_SERVICE_NODE_ARGS ?? "").split(" ").filter(Boolean);
    const service = spawn(process.execPath, [...nodeArgs, join(__dirname, "..", "dist", "server.js")], {
      env: {
        ...process.env,
        NODE_ENV: "production",
        DATABASE_URL: dbUrl.href,
        REDIS_URL,
        REDIS_KEY_PREFIX: `ledger-bench-${dbName}:`,
        PORT: String(port),
        HOST: "127.0.0.1",
        LOG_LEVEL: process.env.BENCH_LOG_LEVEL ?? "info",
        // High enough never to refuse, so the limiter's Redis round trip is part of what is measured.
        RATE_LIMIT_PER_MINUTE: process.env.BENCH_RATE_LIMIT ?? "100000000",
      },
      // Production logs one JSON line per request; here they go nowhere, but are still produced.
      stdio: ["ignore", "ignore", "inherit"],
    });
    children.push(service);
    const base = `http://127.0.0.1:${port}`;
    await waitFor(`${base}/readyz`);
    const url = `${base}/v1/environments/bench/current`;
    const headers = { authorization: `Bearer ${key}` };
    const warm = await fetch(url, { headers });
    await fetch(url, { headers });
    const check = await fetch(url, { headers });
    if (!warm.ok || check.headers.get("x-cache") !== "hit") throw new Error(`the cache is not warm (status ${check.status}, x-cache ${check.headers.get("x-cache")})`);
    const measured = await load("GET /v1/environments/bench/current (warm cache)", url, headers, service.pid);

    const ratio = measured.rps / baseline.rps;
    const lines = [
      "",
      `machine: ${process.platform} ${process.arch}, node ${process.version}, ${CONNECTIONS} connections, ${DURATION_S} s each, loopback`,
      `bare Fastify hello-world:          ${baseline.rps.toFixed(0).padStart(7)} req/s   p50 ${baseline.p50} ms   p99 ${baseline.p99} ms`,
      `GET /v1/environments/:env/current: ${measured.rps.toFixed(0).padStart(7)} req/s   p50 ${measured.p50} ms   p99 ${measured.p99} ms   (${measured.total} requests, all 2xx)`,
      `ratio service / hello-world: ${ratio.toFixed(2)}   (aim ≥ ${AIM.ratio})  ${ratio >= AIM.ratio ? "ok" : "BELOW AIM"}`,
      `service p99: ${measured.p99} ms   (aim ≤ ${AIM.p99Ms} ms)  ${measured.p99 <= AIM.p99Ms ? "ok" : "ABOVE AIM"}`,
      `service peak RSS under load: ${measured.peakRss.toFixed(0)} MB   (aim < ${AIM.rssMb} MB)  ${measured.peakRss < AIM.rssMb ? "ok" : "ABOVE AIM"}`,
      "",
    ];
    process.stdout.write(lines.join("\n"));
  } finally {
    for (const child of children) if (child.exitCode === null && child.signalCode === null) child.kill("SIGTERM");
    await new Promise((r) => setTimeout(r, 500));
    await admin.query(`DROP DATABASE IF EXISTS ${dbName} WITH (FORCE)`);
    await admin.end();
    const redis = new Redis(REDIS_URL, { maxRetriesPerRequest: 1 });
    const keys = await redis.keys(`ledger-bench-${dbName}:*`).catch(() => []);
    if (keys.length > 0) await redis.del(...keys);
    redis.disconnect();
  }
}

main().catch((error: unknown) => {
  process.stderr.write(`bench failed: ${error instanceof Error ? error.message : String(error)}\n`);
  process.exit(1);
});

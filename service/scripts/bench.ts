/**
 * `pnpm --filter @platform/service bench`: in one run on this machine, with autocannon over loopback only
 * (BENCH_DURATION_S seconds each, 1–60):
 *  1. a bare Fastify hello-world and GET /v1/environments/:env/current with a warm cache (50 connections), loaded
 *     in turn BENCH_ROUNDS times (default 3, 1–9): each round's throughputs and ratio, then the median round's
 *     p50/p99 with the worst p99 and the service's peak RSS; and, for scale, a bare Fastify answering the
 *     service's own body;
 *  2. at a million releases, on an instance without Redis: /v1/metrics/dora (30 days) answered live (before the
 *     snapshot job: DORA_SNAPSHOT_MAX_AGE_SECONDS=0) and from the snapshot (after one run of the job, whose
 *     duration is printed), a /current miss and a paginated list, each with p50/p99.
 * The million rows live in one database (BENCH_DATABASE, default ledger_bench_1m) seeded once with one
 * generate_series INSERT and reused by later runs; BENCH_DROP_DATABASE=true drops it at the end.
 * Redis keys get a random prefix (override the servers with BENCH_POSTGRES_URL / BENCH_REDIS_URL).
 * BENCH_SCENARIOS=warm runs only the first (no seeding either): about a minute and a half with three rounds, for
 * comparing commits or Node versions.
 */
import { spawn, type ChildProcess } from "node:child_process";
import { randomBytes } from "node:crypto";
import { readFileSync } from "node:fs";
import { createServer, type AddressInfo } from "node:net";
import { loadavg } from "node:os";
import { join } from "node:path";
import autocannon from "autocannon";
import { Redis } from "ioredis";
import { Client, Pool } from "pg";
import { loadConfig } from "../src/config";
import { Database } from "../src/db/database";
import { runMigrations } from "../src/db/migrate";
import { createApiKeysRepository } from "../src/repositories/api-keys";
import { computeDoraSnapshot } from "../src/dora/snapshot";
import { encodeCursor } from "../src/repositories/releases";
import { seedReleases } from "./seed-releases";

const CONNECTIONS = 50;
const DURATION_S = Number(process.env.BENCH_DURATION_S ?? 10);
const WARMUP_S = Number(process.env.BENCH_WARMUP_S ?? 3);
const ADMIN_URL = process.env.BENCH_POSTGRES_URL ?? "postgres://postgres@127.0.0.1:5432/postgres";
const REDIS_URL = process.env.BENCH_REDIS_URL ?? "redis://127.0.0.1:6379";
const DATABASE = process.env.BENCH_DATABASE ?? "ledger_bench_1m";
const DROP_DATABASE = process.env.BENCH_DROP_DATABASE === "true";
const SCENARIOS = process.env.BENCH_SCENARIOS ?? "all";
/**
 * One load of each says as much about the machine's moment as about the code: hello-world alone moved by ±10 %
 * between runs here. Rounds in turn, and the median round, give the ratio a change of code can be judged by.
 */
const ROUNDS = Number(process.env.BENCH_ROUNDS ?? 3);
/**
 * What the production image gives the service (the Dockerfile's NODE_OPTIONS: V8's heap sized for a 512 MiB task),
 * unless BENCH_NODE_OPTIONS says otherwise ("" for Node's defaults, which size the heap from this machine's memory).
 */
const SERVICE_NODE_OPTIONS = process.env.BENCH_NODE_OPTIONS ?? imageNodeOptions();
const SEED = { count: 1_000_000, days: 730, services: 40, environments: ["prod", "staging", "dev"] } as const;
const AIM = { ratio: 0.6, p99Ms: 10, rssMb: 200, doraP99Ms: 50 };
// The loads of the million-row scenarios: the main pool's size for plain reads; the report pool's for
// DORA (more concurrent DORA calls than that are shed with 503 by design).
const READ_CONNECTIONS = 10;
const REPORT_CONNECTIONS = 2;

for (const [name, value, least] of [
  ["BENCH_DURATION_S", DURATION_S, 1],
  ["BENCH_WARMUP_S", WARMUP_S, 0],
] as const) {
  if (!Number.isInteger(value) || value < least || value > 60) throw new Error(`${name} must be a whole number of seconds from ${least} to 60`);
}
for (const url of [ADMIN_URL, REDIS_URL]) {
  // A load test never leaves this machine.
  if (!["127.0.0.1", "localhost", "[::1]"].includes(new URL(url).hostname)) throw new Error(`${url}: the benchmark only talks to 127.0.0.1`);
}
if (!Number.isInteger(ROUNDS) || ROUNDS < 1 || ROUNDS > 9) throw new Error("BENCH_ROUNDS must be a whole number from 1 to 9");
if (!["all", "warm"].includes(SCENARIOS)) throw new Error(`BENCH_SCENARIOS must be all or warm, not ${SCENARIOS}`);
if (!/^[a-z_][a-z0-9_]{0,62}$/.test(DATABASE)) throw new Error("BENCH_DATABASE must be a plain lower-case PostgreSQL name");

function imageNodeOptions(): string {
  const dockerfile = readFileSync(join(__dirname, "..", "Dockerfile"), "utf8");
  // ENV NODE_OPTIONS=--one or NODE_OPTIONS="--one --two"
  const match = /^\s*NODE_OPTIONS=(?:"([^"]*)"|(\S*))/m.exec(dockerfile);
  return match?.[1] ?? match?.[2] ?? "";
}

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

/** CPU seconds (user + system) a process has used so far, from /proc; 0 when it is gone. */
function cpuSeconds(pid: number): number {
  try {
    // Fields after the command name: state is the 3rd of stat(5), utime the 14th and stime the 15th, in ticks of 1/100 s.
    const fields = readFileSync(`/proc/${pid}/stat`, "utf8").split(") ")[1]!.split(" ");
    return (Number(fields[11]) + Number(fields[12])) / 100;
  } catch {
    return 0;
  }
}

/** The processes whose CPU a load is charged: the server's, and the Redis and PostgreSQL processes serving it. */
type Processes = () => Promise<Record<string, number[]>>;

async function cpuOf(processes: Processes): Promise<Map<string, Map<number, number>>> {
  return new Map(Object.entries(await processes()).map(([name, pids]) => [name, new Map(pids.map((pid) => [pid, cpuSeconds(pid)]))]));
}

async function load(name: string, url: string, headers: Record<string, string> = {}, pid?: number, connections = CONNECTIONS, processes?: Processes) {
  let peakRss = 0;
  const sampler = pid === undefined ? undefined : setInterval(() => (peakRss = Math.max(peakRss, rssMb(pid))), 250);
  process.stderr.write(`loading ${name} for ${WARMUP_S} + ${DURATION_S} s with ${connections} connections…\n`);
  // Unmeasured first (the peak RSS still counts it): a server that has run for hours has its hot code optimised.
  if (WARMUP_S > 0) await autocannon({ url, connections, duration: WARMUP_S, headers });
  const before = processes && (await cpuOf(processes));
  const result = await autocannon({ url, connections, duration: DURATION_S, headers });
  const after = processes && (await cpuOf(processes));
  if (sampler) clearInterval(sampler);
  if (result.non2xx > 0 || result.errors > 0) throw new Error(`${name}: ${result.non2xx} non-2xx answers and ${result.errors} errors under load`);
  // CPU microseconds per request of each process group: unlike req/s, hardly moved by other work on the machine.
  const cpuUs: Record<string, number> = {};
  for (const [group, pids] of after ?? []) {
    let seconds = 0;
    for (const [pid, end] of pids) seconds += end - (before?.get(group)?.get(pid) ?? 0);
    cpuUs[group] = (seconds * 1e6) / result.requests.total;
  }
  return { rps: result.requests.average, p99: result.latency.p99, p50: result.latency.p50, total: result.requests.total, peakRss, cpuUs };
}

/** The million-release database: created, migrated and seeded on first use, then reused as it is. */
async function prepareDatabase(admin: Client): Promise<URL> {
  const exists = await admin.query("SELECT 1 FROM pg_database WHERE datname = $1", [DATABASE]);
  if (exists.rowCount === 0) await admin.query(`CREATE DATABASE ${DATABASE}`);
  const url = new URL(ADMIN_URL);
  url.pathname = `/${DATABASE}`;
  await runMigrations(loadConfig({ DATABASE_URL: url.href }).database, () => undefined);
  const pool = new Pool({ connectionString: url.href, max: 2 });
  try {
    const { rows } = await pool.query<{ n: number }>("SELECT count(*)::int AS n FROM releases WHERE actor = 'seed'");
    if (SCENARIOS === "all" && rows[0]!.n !== SEED.count) {
      process.stderr.write(`seeding ${SEED.count} releases into ${DATABASE} (once; later runs reuse it)…\n`);
      const started = Date.now();
      await pool.query("TRUNCATE releases");
      await seedReleases(pool, SEED);
      process.stderr.write(`seeded in ${((Date.now() - started) / 1000).toFixed(0)} s\n`);
    }
    // The warm-cache scenario reads a small environment of its own.
    await pool.query("DELETE FROM releases WHERE environment = 'bench'");
    await pool.query(
      `INSERT INTO releases (service, environment, version, image_digest, commit_sha, status, finished_at, actor)
       SELECT 'service-' || i, 'bench', '1.' || i || '.0', 'sha256:' || lpad(to_hex(i), 64, '0'), lpad(to_hex(i), 40, '0'), 'succeeded', now(), 'bench'
       FROM generate_series(0, 11) AS i`,
    );
  } finally {
    await pool.end();
  }
  return url;
}

/**
 * SIGTERM, then wait for the exit: the service drains first, and a process still draining must not get the
 * finally's second SIGTERM (the default action, which would also lose a `--cpu-prof` profile).
 */
async function stop(child: ChildProcess): Promise<void> {
  if (child.exitCode !== null || child.signalCode !== null) return;
  const exited = new Promise((resolve) => child.once("exit", resolve));
  child.kill("SIGTERM");
  await Promise.race([exited, new Promise((resolve) => setTimeout(resolve, 30_000))]);
}

/** Redis's own process, when it runs on this machine (INFO says its pid). */
async function redisProcess(): Promise<number | undefined> {
  const redis = new Redis(REDIS_URL, { maxRetriesPerRequest: 1 });
  try {
    const pid = /process_id:(\d+)/.exec(await redis.info("server"))?.[1];
    return pid === undefined ? undefined : Number(pid);
  } finally {
    redis.disconnect();
  }
}

async function startService(dbUrl: URL, env: Record<string, string>, children: ChildProcess[]): Promise<{ base: string; pid: number; child: ChildProcess }> {
  const port = await freePort();
  // BENCH_SERVICE_NODE_ARGS="--cpu-prof --cpu-prof-dir=/tmp/prof" profiles the service under load.
  const nodeArgs = (process.env.BENCH_SERVICE_NODE_ARGS ?? "").split(" ").filter(Boolean);
  const service = spawn(process.execPath, [...nodeArgs, join(__dirname, "..", "dist", "server.js")], {
    env: {
      ...process.env,
      NODE_ENV: "production",
      NODE_OPTIONS: SERVICE_NODE_OPTIONS,
      DATABASE_URL: dbUrl.href,
      PORT: String(port),
      HOST: "127.0.0.1",
      LOG_LEVEL: process.env.BENCH_LOG_LEVEL ?? "info",
      // High enough never to refuse, so the limiter's Redis round trip is part of what is measured.
      RATE_LIMIT_PER_MINUTE: process.env.BENCH_RATE_LIMIT ?? "100000000",
      ...env,
    },
    // Production logs one JSON line per request; here they go nowhere, but are still produced.
    stdio: ["ignore", "ignore", "inherit"],
  });
  children.push(service);
  const base = `http://127.0.0.1:${port}`;
  await waitFor(`${base}/readyz`);
  return { base, pid: service.pid!, child: service };
}

// Rounded down, so a ratio just short of the aim never prints as meeting it.
const ratioText = (ratio: number) => (Math.floor(ratio * 100) / 100).toFixed(2);
const cpu = (us: number | undefined) => (us === undefined ? "n/a" : `${us.toFixed(1)} µs`);
const aim = (ok: boolean, text: string) => `${text}  ${ok ? "ok" : "MISSED"}`;
const row = (name: string, r: { rps: number; p50: number; p99: number; total: number }) =>
  `${name.padEnd(44)} ${r.rps.toFixed(0).padStart(7)} req/s   p50 ${String(r.p50).padStart(3)} ms   p99 ${String(r.p99).padStart(3)} ms   (${r.total} requests, all 2xx)`;

async function main(): Promise<void> {
  const children: ChildProcess[] = [];
  const prefix = `ledger-bench-${randomBytes(4).toString("hex")}:`;
  const admin = new Client({ connectionString: ADMIN_URL });
  await admin.connect();
  try {
    const dbUrl = await prepareDatabase(admin);
    const keyPool = new Pool({ connectionString: dbUrl.href, max: 1 });
    const { key } = await createApiKeysRepository(new Database(keyPool)).create({ name: "bench", role: "viewer", createdBy: "bench" });
    await keyPool.end();
    const headers = { authorization: `Bearer ${key}` };

    // 1. A bare Fastify and the warm cache on the built service (dist/) with Redis, as in production, loaded in turn.
    const bareFastify = async (body?: string) => {
      const port = await freePort();
      const child = spawn(process.execPath, ["-r", "ts-node/register/transpile-only", join(__dirname, "hello-server.ts")], {
        env: { ...process.env, PORT: String(port), ...(body === undefined ? {} : { HELLO_BODY: body }) },
        stdio: ["ignore", "ignore", "inherit"],
      });
      children.push(child);
      const url = `http://127.0.0.1:${port}/`;
      await waitFor(url);
      return { url, child, processes: () => Promise.resolve({ server: [child.pid!] }) };
    };
    const hello = await bareFastify();
    const cached = await startService(dbUrl, { REDIS_URL, REDIS_KEY_PREFIX: prefix }, children);
    const url = `${cached.base}/v1/environments/bench/current`;
    const warm = await fetch(url, { headers });
    await fetch(url, { headers });
    const check = await fetch(url, { headers });
    if (!warm.ok || check.headers.get("x-cache") !== "hit")
      throw new Error(`the cache is not warm (status ${check.status}, x-cache ${check.headers.get("x-cache")})`);
    const answer = await check.text();
    const redisPid = await redisProcess();
    const serviceProcesses = async () => ({
      server: [cached.pid],
      redis: redisPid === undefined ? [] : [redisPid],
      postgres: (
        await admin.query<{ pid: number }>("SELECT pid FROM pg_stat_activity WHERE datname = $1 AND application_name LIKE 'release-ledger%'", [DATABASE])
      ).rows.map((r) => r.pid),
    });
    const rounds = [];
    for (let round = 1; round <= ROUNDS; round++) {
      const of = ROUNDS > 1 ? `, round ${round} of ${ROUNDS}` : "";
      const baseline = await load(`bare Fastify hello-world${of}`, hello.url, {}, undefined, CONNECTIONS, hello.processes);
      const measured = await load(`GET /v1/environments/bench/current (warm cache${of})`, url, headers, cached.pid, CONNECTIONS, serviceProcesses);
      rounds.push({ baseline, measured, ratio: measured.rps / baseline.rps });
    }
    await Promise.all([stop(hello.child), stop(cached.child)]);
    // Not in the ratio (the aim is against hello-world): it shows how much of the gap the answer's size explains.
    const sameBodyServer = await bareFastify(answer);
    const sameBody = await load("bare Fastify answering the same body", sameBodyServer.url, {}, undefined, CONNECTIONS, sameBodyServer.processes);
    await stop(sameBodyServer.child);
    // Of an even number of rounds, the lower of the middle two.
    const { baseline, measured, ratio } = [...rounds].sort((a, b) => a.ratio - b.ratio)[Math.floor((ROUNDS - 1) / 2)]!;
    const worstP99 = Math.max(...rounds.map((r) => r.measured.p99));
    const peakRss = Math.max(...rounds.map((r) => r.measured.peakRss));
    const warmLines = [
      "",
      `machine: ${process.platform} ${process.arch}, node ${process.version}, ${DURATION_S} s per load after ${WARMUP_S} s unmeasured, loopback, load average ${loadavg()
        .map((l) => l.toFixed(1))
        .join(" ")}`,
      `warm cache, ${CONNECTIONS} connections, service NODE_OPTIONS "${SERVICE_NODE_OPTIONS}"${process.env.BENCH_NODE_OPTIONS === undefined ? " (the image's)" : ""}${process.env.BENCH_SERVICE_NODE_ARGS ? ` and ${process.env.BENCH_SERVICE_NODE_ARGS}` : ""}:`,
      ...(ROUNDS > 1
        ? [
            ...rounds.map(
              (r, i) =>
                `  round ${i + 1}: hello-world ${r.baseline.rps.toFixed(0)} req/s (${cpu(r.baseline.cpuUs.server)}), service ${r.measured.rps.toFixed(0)} req/s (${cpu(r.measured.cpuUs.server)}), ratio ${ratioText(r.ratio)}`,
            ),
            `  the median round of ${ROUNDS}:`,
          ]
        : []),
      row("  bare Fastify hello-world", baseline),
      row(`  bare Fastify, the same ${answer.length}-byte body`, sameBody),
      row("  GET /v1/environments/:env/current (hit)", measured),
      `  CPU per request: hello-world ${cpu(baseline.cpuUs.server)}, same body ${cpu(sameBody.cpuUs.server)}; service ${cpu(measured.cpuUs.server)}, Redis ${cpu(measured.cpuUs.redis)}, PostgreSQL ${cpu(measured.cpuUs.postgres)}`,
      `  ${aim(ratio >= AIM.ratio, `ratio service / hello-world: ${ratioText(ratio)}${ROUNDS > 1 ? ` (median of ${ROUNDS} rounds)` : ""}   (aim ≥ ${AIM.ratio})`)}`,
      `  ${aim(worstP99 <= AIM.p99Ms, `service p99: ${worstP99} ms${ROUNDS > 1 ? " (worst round)" : ""}   (aim ≤ ${AIM.p99Ms} ms)`)}`,
      `  ${aim(peakRss < AIM.rssMb, `service peak RSS under load: ${peakRss.toFixed(0)} MB   (aim < ${AIM.rssMb} MB)`)}`,
    ];
    if (SCENARIOS === "warm") {
      process.stdout.write([...warmLines, ""].join("\n"));
      return;
    }

    // 2. A million releases, on an instance without Redis, so every /current is a miss.
    const direct = await startService(dbUrl, { REDIS_URL: "", REDIS_HOST: "" }, children);
    const listPool = new Pool({ connectionString: dbUrl.href, max: 1 });
    // A page half a year back, as a client paging through history reaches it.
    const { rows } = await listPool.query<{ us: string; id: string }>(
      `SELECT (extract(epoch FROM created_at) * 1000000)::bigint AS us, id FROM releases
       WHERE environment = 'prod' AND created_at < now() - interval '180 days' ORDER BY created_at DESC, id DESC LIMIT 1`,
    );
    await listPool.end();
    const cursor = encodeCursor(rows[0]!.us, rows[0]!.id);
    // Before the snapshot job: every call aggregates the window (on the report pool, so at its size).
    const liveService = await startService(dbUrl, { REDIS_URL: "", REDIS_HOST: "", DORA_SNAPSHOT_MAX_AGE_SECONDS: "0" }, children);
    const doraLoad = async (base: string, source: string, connections: number) => {
      const [all, prod] = [`${base}/v1/metrics/dora?days=30`, `${base}/v1/metrics/dora?environment=prod&days=30`];
      for (const url of [all, prod]) {
        const answer = (await (await fetch(url, { headers })).json()) as { source?: string };
        if (answer.source !== source) throw new Error(`${url} answered from ${answer.source}, not ${source}`);
      }
      return {
        all: await load(`GET ${all} (${source})`, all, headers, undefined, connections),
        prod: await load(`GET ${prod} (${source})`, prod, headers, undefined, connections),
      };
    };
    const doraLive = await doraLoad(liveService.base, "live", REPORT_CONNECTIONS);
    await stop(liveService.child);
    // After: one run of the job (the default windows), then the same calls read its rows on the main pool.
    const jobPool = new Pool({ connectionString: dbUrl.href, max: 1 });
    const job = await computeDoraSnapshot(jobPool, {
      windows: loadConfig({ DATABASE_URL: dbUrl.href }).doraSnapshot.windows,
      trigger: "bench",
      statementTimeoutMs: 600_000,
    });
    await jobPool.end();
    if (job.status !== "computed") throw new Error(`the DORA snapshot job did not run: ${job.reason}`);
    // The same load as live, so before and after differ only in where the answer comes from.
    const doraSnapshot = await doraLoad(direct.base, "snapshot", REPORT_CONNECTIONS);
    const miss = await load("GET /v1/environments/prod/current (miss)", `${direct.base}/v1/environments/prod/current`, headers, undefined, READ_CONNECTIONS);
    const list = await load(
      "GET /v1/releases (a page 180 days back)",
      `${direct.base}/v1/releases?environment=prod&limit=50&cursor=${cursor}`,
      headers,
      undefined,
      READ_CONNECTIONS,
    );

    const lines = [
      ...warmLines,
      `${SEED.count} releases over ${SEED.days} days (${SEED.services} services × ${SEED.environments.length} environments), no Redis:`,
      row(`  DORA live, 30 days, all (${REPORT_CONNECTIONS} connections)`, doraLive.all),
      row(`  DORA live, 30 days, prod (${REPORT_CONNECTIONS} connections)`, doraLive.prod),
      `  DORA snapshot job: ${job.rows} rows, windows ${job.windows.join(", ")} days, in ${(job.durationMs / 1000).toFixed(1)} s`,
      row(`  DORA snapshot, 30 days, all (${REPORT_CONNECTIONS} connections)`, doraSnapshot.all),
      row(`  DORA snapshot, 30 days, prod (${REPORT_CONNECTIONS} connections)`, doraSnapshot.prod),
      `  ${aim(doraSnapshot.all.p99 < AIM.doraP99Ms && doraSnapshot.prod.p99 < AIM.doraP99Ms, `DORA p99 (snapshot), all: ${doraSnapshot.all.p99} ms, prod: ${doraSnapshot.prod.p99} ms   (aim < ${AIM.doraP99Ms} ms; live: ${doraLive.all.p99} / ${doraLive.prod.p99} ms)`)}`,
      row(`  /current miss, prod (${READ_CONNECTIONS} connections)`, miss),
      row(`  list page, prod, 180 days back (${READ_CONNECTIONS} conn.)`, list),
      "",
    ];
    process.stdout.write(lines.join("\n"));
  } finally {
    await Promise.all(children.map(stop));
    if (DROP_DATABASE) await admin.query(`DROP DATABASE IF EXISTS ${DATABASE} WITH (FORCE)`);
    await admin.end();
    const redis = new Redis(REDIS_URL, { maxRetriesPerRequest: 1 });
    const keys = await redis.keys(`${prefix}*`).catch(() => []);
    if (keys.length > 0) await redis.del(...keys);
    redis.disconnect();
  }
}

main().catch((error: unknown) => {
  process.stderr.write(`bench failed: ${error instanceof Error ? error.message : String(error)}\n`);
  process.exit(1);
});

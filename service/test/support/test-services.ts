/**
 * Vitest global setup: the PostgreSQL and Redis the integration tests use.
 *
 * A server that already answers is used as it is: `TEST_POSTGRES_URL` / `TEST_REDIS_URL`, else `DATABASE_URL` /
 * `REDIS_URL` (a developer's own servers, the workflows' service containers), else the usual local ports. When none
 * is configured and nothing answers there, the run starts its own — an embedded PostgreSQL (the one `dev` uses) and a
 * `redis-server` — on free loopback ports, and stops them when the run ends. A server that was configured by name but
 * does not answer is an error: silently testing against another one would hide the misconfiguration.
 *
 * The chosen URLs reach every test file as `TEST_POSTGRES_URL` and `TEST_REDIS_URL` (worker processes inherit them).
 */
import { mkdtemp, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { Redis } from "ioredis";
import { Client } from "pg";
import { startEmbeddedPostgres } from "../../src/dev-database";
import { startRedis } from "./redis-process";
import { freePort } from "./free-port";

const LOCAL_POSTGRES = "postgres://postgres@127.0.0.1:5432/postgres";
const LOCAL_REDIS = "redis://127.0.0.1:6379";

type Stop = () => Promise<void>;

/** The URL named by the first of these variables that is set, or undefined. */
function configured(env: NodeJS.ProcessEnv, ...names: string[]): { name: string; url: string } | undefined {
  for (const name of names) {
    const url = env[name];
    if (url) return { name, url };
  }
  return undefined;
}

async function postgresAnswers(url: string): Promise<boolean> {
  const client = new Client({ connectionString: url, connectionTimeoutMillis: 2_000 });
  try {
    await client.connect();
    await client.query("SELECT 1");
    return true;
  } catch {
    return false;
  } finally {
    await client.end().catch(() => undefined);
  }
}

async function redisAnswers(url: string): Promise<boolean> {
  const redis = new Redis(url, { lazyConnect: true, connectTimeout: 2_000, maxRetriesPerRequest: 0, retryStrategy: () => null });
  redis.on("error", () => undefined);
  try {
    await redis.connect();
    return (await redis.ping()) === "PONG";
  } catch {
    return false;
  } finally {
    redis.disconnect();
  }
}

/**
 * The server named by the first of `variables` that is set, which must answer; else the local one if it answers;
 * else undefined (the run starts its own).
 */
async function answeringServer(kind: string, answers: (url: string) => Promise<boolean>, local: string, variables: string[]): Promise<string | undefined> {
  const named = configured(process.env, ...variables);
  if (named) {
    if (await answers(named.url)) return named.url;
    throw new Error(`${named.name} is set, but no ${kind} answers there. Start it, or unset ${named.name} to let the test run start its own.`);
  }
  return (await answers(local)) ? local : undefined;
}

async function postgresForTests(stops: Stop[]): Promise<string> {
  const answering = await answeringServer("PostgreSQL", postgresAnswers, LOCAL_POSTGRES, ["TEST_POSTGRES_URL", "DATABASE_URL"]);
  if (answering) return answering;

  const dataDir = await mkdtemp(join(tmpdir(), "platform-test-postgres-"));
  const port = await freePort();
  const stop = await startEmbeddedPostgres({ dataDir, port, persistent: false });
  stops.push(async () => {
    await stop();
    await rm(dataDir, { recursive: true, force: true });
  });
  process.stderr.write(`test services: started an embedded PostgreSQL on 127.0.0.1:${port} (nothing answered on ${LOCAL_POSTGRES})\n`);
  return `postgres://postgres:postgres@127.0.0.1:${port}/postgres`;
}

async function redisForTests(stops: Stop[]): Promise<string> {
  const answering = await answeringServer("Redis", redisAnswers, LOCAL_REDIS, ["TEST_REDIS_URL", "REDIS_URL"]);
  if (answering) return answering;

  const redis = await startRedis().catch((error: unknown) => {
    throw new Error(
      `No Redis answers on ${LOCAL_REDIS} and redis-server could not be started (${String(error)}). ` +
        "Install it (Debian: apt-get install redis-server; scripts/ci/install-test-tools.sh does it) or set TEST_REDIS_URL.",
    );
  });
  stops.push(redis.kill);
  process.stderr.write(`test services: started redis-server on 127.0.0.1:${redis.port} (nothing answered on ${LOCAL_REDIS})\n`);
  return redis.url;
}

export default async function setup(): Promise<Stop> {
  const stops: Stop[] = [];
  try {
    const [postgres, redis] = await Promise.all([postgresForTests(stops), redisForTests(stops)]);
    process.env.TEST_POSTGRES_URL = postgres;
    process.env.TEST_REDIS_URL = redis;
  } catch (error) {
    await stopAll(stops);
    throw error;
  }
  return () => stopAll(stops);
}

async function stopAll(stops: Stop[]): Promise<void> {
  for (const stop of stops.reverse()) await stop();
}

import { randomBytes } from "node:crypto";
import { createRequire } from "node:module";
import * as path from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { ExitCode } from "../errors";
import { main } from "../main";
import { recordingIo } from "../../test/recording-io";

// devctl smoke against the real release-ledger service (service/), started the way a container starts it
// (startServer: listen first, migrate in the background) on a random port, with a fresh database on the
// PostgreSQL and Redis the run's global setup chose (TEST_POSTGRES_URL, TEST_REDIS_URL: configured, local or started).

const SERVICE = path.resolve(__dirname, "..", "..", "..", "service");
const ADMIN_URL = process.env.TEST_POSTGRES_URL ?? "postgres://postgres@127.0.0.1:5432/postgres";

interface PgClient {
  connect(): Promise<void>;
  query(sql: string): Promise<unknown>;
  end(): Promise<void>;
}
interface PgPool {
  end(): Promise<void>;
}
interface ServiceModules {
  startServer(config: unknown): Promise<{ url: string; close: () => Promise<void> }>;
  loadConfig(env: Record<string, string>): unknown;
  createKey(databaseUrl: string): Promise<string>;
}

// Service modules are loaded by path: the CLI's TypeScript project does not include the service's sources.
const load = async (file: string) => (await import(path.join(SERVICE, "src", file))) as Record<string, unknown>;
const serviceRequire = createRequire(path.join(SERVICE, "package.json"));
const pg = serviceRequire("pg") as {
  Client: new (o: { connectionString: string }) => PgClient;
  Pool: new (o: { connectionString: string; max: number }) => PgPool;
};

async function serviceModules(): Promise<ServiceModules> {
  const [server, config, database, apiKeys] = await Promise.all([
    load("server.ts"),
    load("config.ts"),
    load("db/database.ts"),
    load("repositories/api-keys.ts"),
  ]);
  const Database = database.Database as new (pool: PgPool) => unknown;
  const createApiKeysRepository = apiKeys.createApiKeysRepository as (db: unknown) => {
    create(i: { name: string; role: string; createdBy: string }): Promise<{ key: string }>;
  };
  return {
    startServer: server.startServer as ServiceModules["startServer"],
    loadConfig: config.loadConfig as ServiceModules["loadConfig"],
    createKey: async (databaseUrl) => {
      const pool = new pg.Pool({ connectionString: databaseUrl, max: 1 });
      try {
        return (await createApiKeysRepository(new Database(pool)).create({ name: "smoke", role: "viewer", createdBy: "devctl smoke test" })).key;
      } finally {
        await pool.end();
      }
    },
  };
}

async function admin(sql: string): Promise<void> {
  const client = new pg.Client({ connectionString: ADMIN_URL });
  await client.connect();
  try {
    await client.query(sql);
  } finally {
    await client.end();
  }
}

function serviceEnv(databaseUrl: string): Record<string, string> {
  return {
    DATABASE_URL: databaseUrl,
    REDIS_URL: process.env.TEST_REDIS_URL ?? "redis://127.0.0.1:6379",
    REDIS_KEY_PREFIX: `smoke-test-${randomBytes(4).toString("hex")}:`,
    HOST: "127.0.0.1",
    PORT: "0",
    LOG_LEVEL: "silent",
    PLATFORM_ENVIRONMENT: "smoke-test",
  };
}

async function smoke(url: string, args: string[], env: Record<string, string> = {}) {
  const io = recordingIo({ env });
  const code = await main(["smoke", "staging", "--url", url, ...args], io);
  return { code, stdout: io.stdout.join("\n"), stderr: io.stderr.join("\n") };
}

describe("devctl smoke against the real service", () => {
  const database = `smoke_test_${randomBytes(6).toString("hex")}`;
  const databaseUrl = ADMIN_URL.replace(/\/[^/]*$/, `/${database}`);
  let modules: ServiceModules;
  let service: { url: string; close: () => Promise<void> };

  beforeAll(async () => {
    modules = await serviceModules();
    await admin(`CREATE DATABASE ${database}`);
    // Not migrated yet: the service starts unready, as on a fresh deploy, and smoke has to wait for it.
    service = await modules.startServer(modules.loadConfig(serviceEnv(databaseUrl)));
  });

  afterAll(async () => {
    await service?.close();
    await admin(`DROP DATABASE IF EXISTS ${database} WITH (FORCE)`);
  });

  it("passes on a freshly started service once it is ready (the authenticated read skipped without a token)", async () => {
    const { code, stdout, stderr } = await smoke(service.url, ["--retry-for", "60"]);
    expect({ code, stdout, stderr }).toMatchObject({ code: ExitCode.Success });
    expect(stdout).toMatch(/✓ healthz\s+HTTP 200/);
    expect(stdout).toMatch(/✓ readyz\s+HTTP 200/);
    expect(stdout).toMatch(/✓ openapi\s+HTTP 200\s+\d+ ms\s+(after \d+ attempts\s+)?OpenAPI 3\.\d+\.\d+, \d+ paths/);
    expect(stdout).toMatch(/- authenticated-read\s+skipped/);
  });

  it("passes every check, the authenticated read included, with a real API key", async () => {
    const key = await modules.createKey(databaseUrl);
    const { code, stdout } = await smoke(service.url, ["--require-auth", "--retry-for", "10"], { DEVCTL_SMOKE_TOKEN: key });
    expect(stdout).toMatch(/✓ authenticated-read\s+HTTP 200/);
    expect(stdout).toContain("OK (4 of 4 checks passed)");
    expect(code).toBe(ExitCode.Success);
  });

  it("fails clearly when the service refuses the token", async () => {
    const { code, stdout } = await smoke(service.url, ["--retry-for", "0"], { DEVCTL_SMOKE_TOKEN: "rlk_not-a-real-key" });
    expect(code).toBe(ExitCode.Failure);
    expect(stdout).toMatch(/✗ authenticated-read\s+HTTP 401.*refused the token/);
  });

  it("fails clearly on a service whose database is missing (alive, never ready)", async () => {
    const broken = await modules.startServer(modules.loadConfig(serviceEnv(ADMIN_URL.replace(/\/[^/]*$/, `/${database}_missing`))));
    try {
      const { code, stdout, stderr } = await smoke(broken.url, ["--retry-for", "2"]);
      expect(code).toBe(ExitCode.Failure);
      expect(stdout).toMatch(/✓ healthz\s+HTTP 200/);
      expect(stdout).toMatch(/✗ readyz\s+HTTP 503.*after \d+ attempts\s+expected HTTP 200, got 503: .*"database":"unavailable"/);
      expect(stderr).toContain("error: smoke checks failed against");
    } finally {
      await broken.close();
    }
  });
});

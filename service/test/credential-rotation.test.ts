/**
 * The application user's password rotates under a running service (Secrets Manager's single-user rotation:
 * setSecret changes it in PostgreSQL, then finishSecret makes it AWSCURRENT). ECS injected PGPASSWORD only at
 * task start, so the pool re-reads the secret when PostgreSQL answers 28P01 and retries the query once.
 * Runs a private PostgreSQL with password authentication (the shared one trusts every local connection).
 */
import Fastify, { type FastifyInstance } from "fastify";
import { Client } from "pg";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { loadConfig } from "../src/config";
import { passwordOf, RotatingPassword, type SecretStage } from "../src/db/credentials";
import { runMigrations } from "../src/db/migrate";
import { ConfigError } from "../src/config";
import postgres from "../src/plugins/postgres";
import { startPrivatePostgres } from "./support/private-postgres";

const SUPERUSER_PASSWORD = "super-secret-for-tests";
const REFRESH_INTERVAL_MS = 300;
let stopPostgres: () => Promise<void> = () => Promise.resolve();
let port: number;

async function asSuperuser<T>(work: (client: Client) => Promise<T>): Promise<T> {
  const client = new Client({ host: "127.0.0.1", port, user: "postgres", password: SUPERUSER_PASSWORD, database: "postgres" });
  await client.connect();
  try {
    return await work(client);
  } finally {
    await client.end();
  }
}

/** What Secrets Manager holds for the application user's secret, by staging label. */
class FakeSecret {
  readonly stages = new Map<SecretStage, string>();
  reads: SecretStage[] = [];
  read = (stage: SecretStage): Promise<string | undefined> => {
    this.reads.push(stage);
    return Promise.resolve(this.stages.get(stage));
  };
}

beforeAll(async () => {
  const pg = await startPrivatePostgres({ superuserPassword: SUPERUSER_PASSWORD, authMethod: "scram-sha-256" });
  ({ port } = pg);
  stopPostgres = pg.stop;
  await asSuperuser(async (c) => {
    await c.query("CREATE ROLE ledger_app LOGIN PASSWORD 'first-password'");
    await c.query("CREATE DATABASE ledger OWNER ledger_app");
  });
}, 120_000);

afterAll(() => stopPostgres());

async function serviceWith(secret: FakeSecret, injected = "first-password"): Promise<FastifyInstance> {
  const config = loadConfig({
    PGHOST: "127.0.0.1",
    PGPORT: String(port),
    PGDATABASE: "ledger",
    PGUSER: "ledger_app",
    // What ECS injected at task start.
    PGPASSWORD: injected,
    PGAUTH_ARN: "arn:aws:secretsmanager:eu-west-1:123456789012:secret:staging/release-ledger/db-app-AbCdEf",
    LOG_LEVEL: "silent",
  });
  const app = Fastify();
  await app.register(postgres, { config, passwordSource: new RotatingPassword(injected, secret.read, { minRefreshIntervalMs: REFRESH_INTERVAL_MS }) });
  await app.ready();
  return app;
}

/**
 * Rotation's setSecret: the new password is live in PostgreSQL. Existing connections would live on, so they
 * are closed (as idle timeouts and task churn close them in time): the next query needs a new connection.
 */
async function changePassword(app: FastifyInstance, to: string): Promise<void> {
  // Rotations are days apart; here at least one refresh interval.
  await new Promise((r) => setTimeout(r, REFRESH_INTERVAL_MS + 50));
  await asSuperuser(async (c) => {
    await c.query(`ALTER ROLE ledger_app PASSWORD '${to}'`);
    await c.query("SELECT pg_terminate_backend(pid) FROM pg_stat_activity WHERE usename = 'ledger_app'");
  });
  for (let i = 0; i < 100 && app.db.pool.totalCount > 0; i++) await new Promise((r) => setTimeout(r, 20));
  expect(app.db.pool.totalCount).toBe(0);
}

describe("the application user's password rotated under a running service", () => {
  it("keeps answering: re-reads AWSCURRENT on 28P01, and AWSPENDING while rotation has not finished", async () => {
    const secret = new FakeSecret();
    secret.stages.set("AWSCURRENT", "first-password");
    const app = await serviceWith(secret);
    try {
      const whoami = async () => (await app.db.query<{ user: string }>("SELECT current_user AS user")).rows[0]!.user;
      expect(await whoami()).toBe("ledger_app");
      expect(secret.reads).toEqual([]);

      // Between setSecret and finishSecret: PostgreSQL has the pending password, AWSCURRENT still the old one.
      secret.stages.set("AWSPENDING", "second-password");
      await changePassword(app, "second-password");
      expect(await whoami()).toBe("ledger_app");
      expect(secret.reads).toEqual(["AWSCURRENT", "AWSPENDING"]);

      // A later rotation that has finished: AWSCURRENT holds the new password.
      secret.reads = [];
      secret.stages.set("AWSCURRENT", "third-password");
      secret.stages.delete("AWSPENDING");
      await changePassword(app, "third-password");
      const answers = await Promise.all(Array.from({ length: 8 }, () => whoami()));
      expect(answers).toEqual(Array(8).fill("ledger_app"));
      // One re-read serves every connection that failed together.
      expect(secret.reads).toEqual(["AWSCURRENT"]);
    } finally {
      await app.close();
    }
  }, 60_000);

  it("answers 503 (once re-read, no loop) when no stage of the secret holds a password PostgreSQL accepts", async () => {
    const secret = new FakeSecret();
    secret.stages.set("AWSCURRENT", "not-it-either");
    const app = await serviceWith(secret, "not-the-password");
    try {
      await expect(app.db.query("SELECT 1")).rejects.toMatchObject({ statusCode: 503 });
      expect(secret.reads).toEqual(["AWSCURRENT"]);
    } finally {
      await app.close();
    }
  }, 60_000);
});

describe("PGAUTH_ARN and the secret's format", () => {
  it("takes a Secrets Manager ARN and refuses anything else, naming the variable", () => {
    const arn = "arn:aws:secretsmanager:eu-west-1:123456789012:secret:prod/release-ledger/db-app-AbCdEf";
    expect(loadConfig({ DATABASE_URL: "postgres://u@db/ledger", PGAUTH_ARN: arn }).database.passwordSecretArn).toBe(arn);
    expect(() => loadConfig({ DATABASE_URL: "postgres://u@db/ledger", PGAUTH_ARN: "prod/release-ledger/db-app" })).toThrow(ConfigError);
    expect(() => loadConfig({ DATABASE_URL: "postgres://u@db/ledger", PGAUTH_ARN: "nope" })).toThrow(/PGAUTH_ARN="nope" is not a Secrets Manager secret ARN/);
  });
  it("reads the password of an RDS-format secret", () => {
    expect(passwordOf(JSON.stringify({ username: "ledger_app", password: "p" }))).toBe("p");
    expect(passwordOf("not json")).toBeUndefined();
    expect(passwordOf(undefined)).toBeUndefined();
  });
});

describe("the startup migration as the RDS master user", () => {
  it("creates the application user with the injected password and data rights only, once, and never resets it", async () => {
    await asSuperuser((c) => c.query("CREATE DATABASE ledger_boot"));
    const env = {
      PGHOST: "127.0.0.1",
      PGPORT: String(port),
      PGDATABASE: "ledger_boot",
      PGUSER: "ledger_boot_app",
      PGPASSWORD: "boot-password",
      MIGRATION_PGUSER: "postgres",
      MIGRATION_PGPASSWORD: SUPERUSER_PASSWORD,
      LOG_LEVEL: "silent",
    };
    // Two tasks starting together.
    await Promise.all([runMigrations(loadConfig(env).database, () => undefined), runMigrations(loadConfig(env).database, () => undefined)]);
    const app = new Client({ host: "127.0.0.1", port, user: "ledger_boot_app", password: "boot-password", database: "ledger_boot" });
    await app.connect();
    try {
      await app.query("INSERT INTO idempotency_keys (principal_id, key, request_hash) VALUES ('p', 'k', '\\x00')");
      expect((await app.query("DELETE FROM idempotency_keys")).rowCount).toBe(1);
      expect((await app.query("SELECT count(*)::int AS n FROM releases")).rows[0]).toEqual({ n: 0 });
      await expect(app.query("DROP TABLE releases")).rejects.toMatchObject({ code: "42501" });
      await expect(app.query("CREATE TABLE sneaky (id int)")).rejects.toMatchObject({ code: "42501" });
    } finally {
      await app.end();
    }
    // A rotation changed the password since; the next task start (with the new injected password) keeps it.
    await asSuperuser((c) => c.query("ALTER ROLE ledger_boot_app PASSWORD 'rotated'"));
    await runMigrations(loadConfig({ ...env, PGPASSWORD: "rotated" }).database, () => undefined);
    await runMigrations(loadConfig({ ...env, PGPASSWORD: "stale" }).database, () => undefined);
    const after = new Client({ host: "127.0.0.1", port, user: "ledger_boot_app", password: "rotated", database: "ledger_boot" });
    await after.connect();
    await after.end();
  }, 60_000);

  it("refuses a migration user without its password, naming both variables", () => {
    expect(() => loadConfig({ PGHOST: "db", PGUSER: "app", MIGRATION_PGUSER: "postgres" })).toThrow(/MIGRATION_PGUSER and MIGRATION_PGPASSWORD/);
  });
});

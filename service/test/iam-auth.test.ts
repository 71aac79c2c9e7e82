/**
 * DB_AUTH=iam: the application user has no password; every new connection presents a fresh RDS IAM token
 * (valid 15 minutes, checked only when the connection opens). Nothing real can sign one here, so RDS's part is
 * played by a private cluster that, like RDS for an rds_iam member, takes the "token" as a cleartext password
 * over TLS; the test's token function counts what it hands out.
 */
import Fastify, { type FastifyInstance } from "fastify";
import { Client } from "pg";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { ConfigError, loadConfig } from "../src/config";
import { rdsIamAuthToken } from "../src/db/iam-auth";
import { runMigrations } from "../src/db/migrate";
import postgres from "../src/plugins/postgres";
import { startPrivatePostgres } from "./support/private-postgres";

const SUPERUSER_PASSWORD = "super-secret-for-tests";
const IAM_ENV = {
  DB_AUTH: "iam",
  PGHOST: "ledger-prod.c0ffee.eu-west-1.rds.amazonaws.com",
  PGPORT: "5432",
  PGDATABASE: "ledger",
  PGUSER: "ledger_app",
  AWS_REGION: "eu-west-1",
};

describe("DB_AUTH", () => {
  it("defaults to password and reads PGPASSWORD as before", () => {
    const config = loadConfig({ PGHOST: "db", PGUSER: "app", PGPASSWORD: "pw" });
    expect(config.database.iamAuth).toBeUndefined();
    expect(config.database.connection.password).toBe("pw");
  });

  it("iam: signs for the host, port, user and region, and requires verified TLS by default", () => {
    const config = loadConfig(IAM_ENV);
    expect(config.database.iamAuth).toEqual({ hostname: IAM_ENV.PGHOST, port: 5432, username: "ledger_app", region: "eu-west-1" });
    expect(config.database.connection.ssl).toEqual({ rejectUnauthorized: true });
    expect(config.database.connection.password).toBeUndefined();
    expect(loadConfig({ ...IAM_ENV, PGSSLMODE: "require" }).database.connection.ssl).toEqual({ rejectUnauthorized: false });
    expect(loadConfig({ ...IAM_ENV, AWS_REGION: undefined, AWS_DEFAULT_REGION: "eu-central-1" }).database.iamAuth?.region).toBe("eu-central-1");
  });

  it("refuses an unknown mode and every setting IAM authentication cannot work with, naming each and the fix", () => {
    expect(() => loadConfig({ ...IAM_ENV, DB_AUTH: "token" })).toThrow(/DB_AUTH="token" is not valid: expected password .* or iam/);
    let error: unknown;
    try {
      loadConfig({
        ...IAM_ENV,
        AWS_REGION: undefined,
        PGPASSWORD: "pw",
        PGAUTH_ARN: "arn:aws:secretsmanager:eu-west-1:123456789012:secret:prod/release-ledger/db-app-AbCdEf",
        PGSSLMODE: "prefer",
      });
    } catch (e) {
      error = e;
    }
    expect(error).toBeInstanceOf(ConfigError);
    const problems = (error as ConfigError).problems.join("\n");
    expect(problems).toMatch(/DB_AUTH=iam needs the database's region: set AWS_REGION/);
    expect(problems).toMatch(/PGPASSWORD is set, but DB_AUTH=iam signs a token for each connection: unset PGPASSWORD/);
    expect(problems).toMatch(/PGAUTH_ARN is set, but DB_AUTH=iam has no password to re-read: unset PGAUTH_ARN/);
    expect(problems).toMatch(/PGSSLMODE="prefer" cannot carry IAM authentication, which needs TLS: use verify-full/);
    expect(() => loadConfig({ DB_AUTH: "iam", DATABASE_URL: "postgres://ledger_app@db/ledger", AWS_REGION: "eu-west-1" })).toThrow(
      /DB_AUTH=iam reads PGHOST, PGPORT, PGDATABASE and PGUSER: unset DATABASE_URL/,
    );
    expect(() => loadConfig({ ...IAM_ENV, PGUSER: undefined })).toThrow(/PGUSER is required when PGHOST is set/);
  });
});

describe("rdsIamAuthToken", () => {
  it("presigns rds-db:connect for exactly that user on that host and port, in the given region", async () => {
    const token = await rdsIamAuthToken(
      { hostname: "ledger-prod.c0ffee.eu-west-1.rds.amazonaws.com", port: 5432, username: "ledger_app", region: "eu-west-1" },
      { credentials: { accessKeyId: "AKIDEXAMPLE", secretAccessKey: "wJalrXUtnFEMI/K7MDENG+bPxRfiCYEXAMPLEKEY" } },
    )();
    const url = new URL(`https://${token}`);
    expect(`${url.hostname}:${url.port}`).toBe("ledger-prod.c0ffee.eu-west-1.rds.amazonaws.com:5432");
    expect(url.searchParams.get("Action")).toBe("connect");
    expect(url.searchParams.get("DBUser")).toBe("ledger_app");
    expect(url.searchParams.get("X-Amz-Credential")).toMatch(/^AKIDEXAMPLE\/\d{8}\/eu-west-1\/rds-db\/aws4_request$/);
    // RDS accepts a token for 15 minutes; the signer must not promise more.
    expect(Number(url.searchParams.get("X-Amz-Expires"))).toBeLessThanOrEqual(900);
    expect(url.searchParams.get("X-Amz-Signature")).toMatch(/^[0-9a-f]{64}$/);
  });
});

describe("with a server that takes the token as a password over TLS", () => {
  let port: number;
  let stopPostgres: () => Promise<void> = () => Promise.resolve();

  async function asSuperuser<T>(work: (client: Client) => Promise<T>, database = "postgres"): Promise<T> {
    const client = new Client({ host: "127.0.0.1", port, user: "postgres", password: SUPERUSER_PASSWORD, database, ssl: { rejectUnauthorized: false } });
    await client.connect();
    try {
      return await work(client);
    } finally {
      await client.end();
    }
  }

  beforeAll(async () => {
    // RDS takes an IAM token as a cleartext password over TLS, and checks it when it arrives: so does this.
    const pg = await startPrivatePostgres({ superuserPassword: SUPERUSER_PASSWORD, authMethod: "password", tls: true });
    ({ port } = pg);
    stopPostgres = pg.stop;
    await asSuperuser(async (c) => {
      // RDS's role that marks a user as IAM-authenticated; here only its name is needed.
      await c.query("CREATE ROLE rds_iam");
      await c.query("CREATE DATABASE ledger");
    });
  }, 120_000);

  afterAll(() => stopPostgres());

  function iamConfig(user: string, sslMode = "require") {
    return loadConfig({ ...IAM_ENV, PGHOST: "127.0.0.1", PGPORT: String(port), PGUSER: user, PGSSLMODE: sslMode, LOG_LEVEL: "silent" });
  }

  it("the startup migration creates the user without a password, in rds_iam, with data rights only; an old password is removed", async () => {
    const env = {
      ...IAM_ENV,
      PGHOST: "127.0.0.1",
      PGPORT: String(port),
      PGSSLMODE: "require",
      MIGRATION_PGUSER: "postgres",
      MIGRATION_PGPASSWORD: SUPERUSER_PASSWORD,
    };
    await Promise.all([runMigrations(loadConfig(env).database, () => undefined), runMigrations(loadConfig(env).database, () => undefined)]);
    // A user made by the password path before, now switched to IAM.
    await asSuperuser((c) => c.query("CREATE ROLE ledger_old LOGIN PASSWORD 'from-the-old-secret'"));
    await runMigrations(loadConfig({ ...env, PGUSER: "ledger_old" }).database, () => undefined);

    const roles = await asSuperuser(
      async (c) =>
        (
          await c.query<{ rolname: string; haspassword: boolean; iam: boolean; super: boolean }>(
            `SELECT r.rolname, s.passwd IS NOT NULL AS haspassword, pg_has_role(r.oid, 'rds_iam', 'MEMBER') AS iam, r.rolsuper AS super
             FROM pg_roles r JOIN pg_shadow s ON s.usename = r.rolname WHERE r.rolname IN ('ledger_app', 'ledger_old') ORDER BY 1`,
          )
        ).rows,
    );
    expect(roles).toEqual([
      { rolname: "ledger_app", haspassword: false, iam: true, super: false },
      { rolname: "ledger_old", haspassword: false, iam: true, super: false },
    ]);
    await expect(asSuperuser((c) => c.query("SET ROLE ledger_app; DROP TABLE releases"), "ledger")).rejects.toMatchObject({ code: "42501" });
  }, 60_000);

  it("without a migration user, the migration signs in as the application user with its token", async () => {
    await asSuperuser(async (c) => {
      await c.query("CREATE ROLE ledger_owner LOGIN PASSWORD 'owner-token'");
      await c.query("CREATE DATABASE ledger_owned OWNER ledger_owner");
    });
    let issued = 0;
    const authToken = () => ((issued += 1), Promise.resolve("owner-token"));
    const config = loadConfig({
      ...IAM_ENV,
      PGHOST: "127.0.0.1",
      PGPORT: String(port),
      PGDATABASE: "ledger_owned",
      PGUSER: "ledger_owner",
      PGSSLMODE: "require",
    });
    expect((await runMigrations(config.database, () => undefined, { authToken })).length).toBeGreaterThan(0);
    expect(issued).toBe(1);
  }, 60_000);

  it("asks the token function once per new connection, over TLS, and for nothing on a reused one", async () => {
    // What a valid token is here. (A server takes a new password only on connections that start after it, and
    // pg asks for the password once the connection has started: so the "token" stays the same.)
    await asSuperuser((c) => c.query("CREATE ROLE ledger_pool LOGIN PASSWORD 'signed-token'"));
    let issued = 0;
    const authToken = (): Promise<string> => {
      issued += 1;
      return Promise.resolve("signed-token");
    };
    const app: FastifyInstance = Fastify();
    await app.register(postgres, { config: iamConfig("ledger_pool"), authToken });
    await app.ready();
    try {
      const row = async () =>
        (await app.db.query<{ user: string; ssl: boolean }>("SELECT current_user AS user, ssl FROM pg_stat_ssl WHERE pid = pg_backend_pid()")).rows[0];
      expect(await row()).toEqual({ user: "ledger_pool", ssl: true });
      expect(issued).toBe(1);
      for (let i = 0; i < 5; i++) await row();
      expect(issued).toBe(1);

      // Three at once: the idle connection serves one, two more are opened, each with its own token.
      const busy = await Promise.all(Array.from({ length: 3 }, () => app.db.query("SELECT pg_sleep(0.2)")));
      expect(busy).toHaveLength(3);
      expect(app.db.pool.totalCount).toBe(3);
      expect(issued).toBe(3);

      // The report pool is a pool like the other: its first connection takes a token of its own.
      await app.reportsDb.query("SELECT 1");
      expect(issued).toBe(4);
    } finally {
      await app.close();
    }
  }, 60_000);
});

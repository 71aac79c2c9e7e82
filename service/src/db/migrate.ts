import { readdirSync } from "node:fs";
import { join } from "node:path";
import { Client } from "pg";
import { type DatabaseConfig } from "../config";
import { applicationConnection, type AuthTokenSource } from "./iam-auth";

/** service/migrations, both from src/db (tests, dev) and dist/db (the image). */
export const MIGRATIONS_DIR = join(__dirname, "..", "..", "migrations");

export function expectedMigrationCount(): number {
  return readdirSync(MIGRATIONS_DIR).filter((f) => f.endsWith(".sql")).length;
}

// One number shared by every instance: pg_advisory_lock on it serialises concurrent migrators.
const MIGRATION_LOCK_ID = 7_341_020_017;

/**
 * Applies pending migrations. Two instances starting together is safe: node-pg-migrate takes a session
 * advisory lock and the second waits for the first, then finds nothing left to do.
 */
export async function runMigrations(
  database: DatabaseConfig,
  log: (message: string) => void,
  options: { readonly authToken?: AuthTokenSource } = {},
): Promise<string[]> {
  // node-pg-migrate is an ES module; this package is CommonJS.
  const { runner } = await import("node-pg-migrate");
  // As the migration user when there is one (at MIGRATION_PGHOST when set); else as the application user (with its
  // token under DB_AUTH=iam).
  const { migration } = database;
  const connection = migration
    ? { ...database.connection, user: migration.user, password: migration.password, ...(migration.host === undefined ? {} : { host: migration.host }) }
    : applicationConnection(database, options.authToken);
  const client = new Client({ ...connection, connectionTimeoutMillis: database.connectTimeoutMs, application_name: "release-ledger-migrate" });
  await client.connect();
  try {
    const applied = await runner({
      dbClient: client,
      dir: MIGRATIONS_DIR,
      migrationsTable: "pgmigrations",
      direction: "up",
      count: Infinity,
      singleTransaction: true,
      lockValue: MIGRATION_LOCK_ID,
      advisoryLockMode: "wait",
      log: () => undefined,
    });
    for (const m of applied) log(`applied migration ${m.name}`);
    const { user, password } = database.connection;
    if (database.migration && typeof user === "string" && user !== database.migration.user) {
      // Under the migration lock: concurrent GRANTs on one object fail with "tuple concurrently updated".
      await client.query("BEGIN");
      try {
        await client.query("SELECT pg_advisory_xact_lock($1)", [MIGRATION_LOCK_ID]);
        const login = database.iamAuth ? { iam: true as const } : { password: typeof password === "string" ? password : undefined };
        await ensureApplicationUser(client, user, login, log);
        await client.query("COMMIT");
      } catch (error) {
        await client.query("ROLLBACK");
        throw error;
      }
    }
    return applied.map((m) => m.name);
  } finally {
    await client.end();
  }
}

/** How the application user signs in: RDS IAM tokens (DB_AUTH=iam), or a password the caller was given. */
export type ApplicationLogin = { readonly iam: true } | { readonly password: string | undefined };

/**
 * The service's own login: data rights on the schema, no DDL, never the master user (RDS rotates that one
 * every 7 days). With IAM authentication it has no password and is a member of rds_iam, which makes RDS take
 * only tokens for it; a password left from before is removed. Otherwise it is created with the password
 * injected at start, and an existing user's password is never touched (a rotation owns it). Idempotent; the
 * caller holds the migration lock, so two tasks starting together take turns.
 */
export async function ensureApplicationUser(client: Client, user: string, login: ApplicationLogin, log: (message: string) => void): Promise<void> {
  const role = client.escapeIdentifier(user);
  const exists = (await client.query("SELECT 1 FROM pg_roles WHERE rolname = $1", [user])).rowCount === 1;
  if ("iam" in login) {
    await client.query(exists ? `ALTER ROLE ${role} LOGIN PASSWORD NULL` : `CREATE ROLE ${role} LOGIN`);
    await client.query(`GRANT rds_iam TO ${role}`);
    if (!exists) log(`created the application user ${user} (IAM authentication)`);
  } else if (!exists) {
    if (login.password === undefined) throw new Error(`the application user ${user} does not exist and PGPASSWORD is not set to create it`);
    await client.query(`CREATE ROLE ${role} LOGIN PASSWORD ${client.escapeLiteral(login.password)}`);
    log(`created the application user ${user}`);
  }
  const database = client.escapeIdentifier((await client.query<{ db: string }>("SELECT current_database() AS db")).rows[0]!.db);
  await client.query(`GRANT CONNECT ON DATABASE ${database} TO ${role}`);
  await client.query(`GRANT USAGE ON SCHEMA public TO ${role}`);
  await client.query(`GRANT SELECT, INSERT, UPDATE, DELETE ON ALL TABLES IN SCHEMA public TO ${role}`);
  await client.query(`GRANT USAGE, SELECT ON ALL SEQUENCES IN SCHEMA public TO ${role}`);
}

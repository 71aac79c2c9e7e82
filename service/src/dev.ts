import { ConfigError, loadConfig } from "./config";
import { DEV_DATABASE_URL, startEmbeddedPostgres } from "./dev-database";
import { startServer } from "./server";

/** `pnpm --filter @platform/service dev`: the service with no cloud at all (embedded PostgreSQL, no Redis). */
async function main(): Promise<void> {
  let stopDatabase: (() => Promise<void>) | undefined;
  if (process.env.DATABASE_URL === undefined && process.env.PGHOST === undefined) {
    stopDatabase = await startEmbeddedPostgres();
    process.env.DATABASE_URL = DEV_DATABASE_URL;
  }
  process.env.PORT ??= "8080";
  process.env.HOST ??= "127.0.0.1";
  process.env.RATE_LIMIT_PER_MINUTE ??= "0";
  const config = loadConfig();
  const { url } = await startServer(config, { afterClose: stopDatabase });
  process.stderr.write(
    [
      "",
      `release ledger listening on ${url}  (OpenAPI: ${url}/docs/json)`,
      `database: ${config.database.description}${stopDatabase ? " (embedded, data in service/.data/)" : ""}`,
      `cache: ${config.redis?.description ?? "none (set REDIS_URL to use Redis)"}`,
      "create a first key:",
      `  ${stopDatabase ? "" : `DATABASE_URL=${config.database.description} `}pnpm --filter @platform/service admin create-key --name me --role admin`,
      `then: curl -H "Authorization: Bearer <key>" ${url}/v1/releases`,
      "",
    ].join("\n"),
  );
}

main().catch((error: unknown) => {
  process.stderr.write(`${error instanceof ConfigError ? error.message : error instanceof Error ? (error.stack ?? error.message) : String(error)}\n`);
  process.exit(1);
});

import { ConfigError, loadConfig } from "./config";
import { runMigrations } from "./db/migrate";
import { DEV_DATABASE_URL, startEmbeddedPostgres } from "./dev-database";
import { startDevSignIn } from "./dev-identity-provider";
import { seedExampleReleases } from "./dev-seed";
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
  // The page's sign-in: with no issuer of your own, a local development provider (DEV_SIGN_IN=false turns it off).
  let stopSignIn: (() => Promise<void>) | undefined;
  if (process.env.OIDC_ISSUER === undefined && (process.env.DEV_SIGN_IN ?? "true") === "true") {
    loadConfig({ ...process.env, DEV_SIGN_IN: "true" });
    const signIn = await startDevSignIn(Number(process.env.DEV_OIDC_PORT ?? 8081), Number(process.env.PORT));
    Object.assign(process.env, signIn.env);
    stopSignIn = signIn.close;
  }
  const config = loadConfig();
  if (stopDatabase) {
    await runMigrations(config.database, () => undefined);
    const seeded = await seedExampleReleases(config.database.connection.connectionString!);
    if (seeded > 0) process.stderr.write(`seeded ${seeded} example releases into the embedded database\n`);
  }
  const { url } = await startServer(config, {
    afterClose: async () => {
      await stopSignIn?.();
      await stopDatabase?.();
    },
  });
  process.stderr.write(
    [
      "",
      `release ledger listening on ${url}  (OpenAPI: ${url}/docs/json)`,
      `web page: ${url}/${config.web.devSignIn ? `  (development sign-in at ${config.oidc?.issuer}: user name admin, deployer or viewer, any password)` : ""}`,
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

import { buildApp } from "./app";
import { ConfigError, loadConfig, type Config } from "./config";
import { runMigrations } from "./db/migrate";

/**
 * Listens first (so /healthz answers and /readyz says why it is not ready), then applies migrations under
 * the advisory lock, retrying until PostgreSQL answers. Resolves once listening.
 */
export async function startServer(config: Config, options: { afterClose?: () => Promise<void> } = {}): Promise<{ url: string; close: () => Promise<void> }> {
  const app = await buildApp({ config });
  const url = await app.listen({ port: config.port, host: config.host });
  app.log.info(
    { database: config.database.description, cache: config.redis?.description ?? "disabled", oidc: config.oidc?.issuer ?? "disabled" },
    `listening on ${url}`,
  );

  let stopping = false;
  void (async () => {
    for (let attempt = 1; !stopping; attempt++) {
      try {
        await runMigrations(config.database, (m) => app.log.info(m));
        app.log.info("database schema is up to date");
        return;
      } catch (error) {
        app.log.error({ err: error, attempt }, "migrations could not run; retrying (the service stays unready meanwhile)");
        await new Promise((resolve) => setTimeout(resolve, Math.min(attempt * 1_000, 10_000)).unref());
      }
    }
  })();

  let closing: Promise<void> | undefined;
  const close = () => {
    stopping = true;
    closing ??= app.close().then(() => options.afterClose?.());
    return closing;
  };

  const onSignal = (signal: NodeJS.Signals) => {
    app.log.info({ signal }, "shutting down: no new connections, finishing in-flight requests");
    const deadline = setTimeout(() => {
      app.log.error({ timeoutMs: config.shutdownTimeoutMs }, "shutdown took longer than SHUTDOWN_TIMEOUT_MS; exiting anyway");
      process.exit(1);
    }, config.shutdownTimeoutMs);
    deadline.unref();
    close().then(
      () => {
        app.log.info("shutdown complete");
        process.exit(0);
      },
      (error: unknown) => {
        app.log.error({ err: error }, "shutdown failed");
        process.exit(1);
      },
    );
  };
  process.once("SIGTERM", onSignal);
  process.once("SIGINT", onSignal);
  return { url, close };
}

if (require.main === module) {
  let config: Config;
  try {
    config = loadConfig();
  } catch (error) {
    process.stderr.write(`${error instanceof ConfigError ? error.message : String(error)}\n`);
    process.exit(2);
  }
  startServer(config).catch((error: unknown) => {
    process.stderr.write(`failed to start: ${error instanceof Error ? error.message : String(error)}\n`);
    process.exit(1);
  });
}

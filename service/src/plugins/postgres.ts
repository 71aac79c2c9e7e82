import fp from "fastify-plugin";
import { type Config } from "../config";
import { type RotatingPassword, withRotatingPassword } from "../db/credentials";
import { createPool, Database } from "../db/database";

declare module "fastify" {
  interface FastifyInstance {
    db: Database;
    /** For expensive reads (DORA): its own few connections, and callers beyond a short queue get 503 at once. */
    reportsDb: Database;
  }
}

export default fp(
  (app, opts: { config: Config; passwordSource?: RotatingPassword }, done) => {
    const { database } = opts.config;
    const { database: connection, rotating } = withRotatingPassword(database, opts.passwordSource);
    const pool = createPool(connection, "release-ledger");
    const reportsPool = createPool(connection, "release-ledger-reports", database.reportPoolMax);
    for (const p of [pool, reportsPool]) {
      // An idle client losing its connection emits on the pool; without a listener the process would crash.
      p.on("error", (error) => app.log.warn({ err: error }, "PostgreSQL connection lost; the pool will reconnect"));
    }
    app.decorate("db", new Database(pool, { credentials: rotating }));
    app.decorate(
      "reportsDb",
      new Database(reportsPool, {
        credentials: rotating,
        shedding: { maxWaiting: 2 * database.reportPoolMax, message: "too many metrics queries are running; retry in a few seconds" },
      }),
    );
    app.addHook("onClose", async () => {
      await Promise.all([pool.end(), reportsPool.end()]);
    });
    done();
  },
  { name: "postgres" },
);

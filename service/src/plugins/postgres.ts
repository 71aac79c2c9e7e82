import fp from "fastify-plugin";
import { type Config } from "../config";
import { createPool, Database } from "../db/database";

declare module "fastify" {
  interface FastifyInstance {
    db: Database;
  }
}

export default fp(
  (app, opts: { config: Config }, done) => {
    const pool = createPool(opts.config.database, "release-ledger");
    // An idle client losing its connection emits on the pool; without a listener the process would crash.
    pool.on("error", (error) => app.log.warn({ err: error }, "PostgreSQL connection lost; the pool will reconnect"));
    app.decorate("db", new Database(pool));
    app.addHook("onClose", async () => {
      await pool.end();
    });
    done();
  },
  { name: "postgres" },
);

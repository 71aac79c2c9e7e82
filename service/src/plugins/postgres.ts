import fp from "fastify-plugin";
import { type Config } from "../config";
import { RotatingPassword, secretsManagerPassword } from "../db/credentials";
import { createPool, Database } from "../db/database";

declare module "fastify" {
  interface FastifyInstance {
    db: Database;
  }
}

export default fp(
  (app, opts: { config: Config; passwordSource?: RotatingPassword }, done) => {
    const { database } = opts.config;
    const initial = typeof database.connection.password === "string" ? database.connection.password : undefined;
    const rotating =
      opts.passwordSource ?? (database.passwordSecretArn === undefined ? undefined : new RotatingPassword(initial, secretsManagerPassword(database.passwordSecretArn)));
    const pool = createPool(rotating ? { ...database, connection: { ...database.connection, password: rotating.password } } : database, "release-ledger");
    // An idle client losing its connection emits on the pool; without a listener the process would crash.
    pool.on("error", (error) => app.log.warn({ err: error }, "PostgreSQL connection lost; the pool will reconnect"));
    app.decorate("db", new Database(pool, rotating));
    app.addHook("onClose", async () => {
      await pool.end();
    });
    done();
  },
  { name: "postgres" },
);

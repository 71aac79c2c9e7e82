import { type FastifyPluginCallbackTypebox } from "@fastify/type-provider-typebox";
import { Type } from "typebox";
import { expectedMigrationCount } from "../db/migrate";

const Health = Type.Object({ status: Type.Literal("ok") }, { additionalProperties: false });
const Readiness = Type.Object(
  {
    status: Type.Union([Type.Literal("ok"), Type.Literal("unavailable")]),
    database: Type.Union([Type.Literal("ok"), Type.Literal("unavailable"), Type.Literal("migrations-pending")]),
    cache: Type.Union([Type.Literal("ok"), Type.Literal("degraded"), Type.Literal("bypassed"), Type.Literal("disabled")]),
  },
  { additionalProperties: false },
);

const health: FastifyPluginCallbackTypebox = (app, _opts, done) => {
  app.get("/healthz", { schema: { summary: "Liveness: the process answers (no dependency is checked)", tags: ["health"], response: { 200: Health } } }, () => ({
    status: "ok" as const,
  }));

  const expected = expectedMigrationCount();
  app.get(
    "/readyz",
    {
      schema: {
        summary: "Readiness: PostgreSQL answers and migrations are applied (Redis down is degraded, not unready)",
        tags: ["health"],
        response: { 200: Readiness, 503: Readiness },
      },
    },
    async (_request, reply) => {
      const [database, cache] = await Promise.all([
        app.db
          .query<{ applied: number }>({ name: "readyz", text: "SELECT count(*)::int AS applied FROM pgmigrations" })
          .then(({ rows }) => ((rows[0]?.applied ?? 0) >= expected ? ("ok" as const) : ("migrations-pending" as const)))
          .catch((error: unknown) =>
            error instanceof Error && error.message.includes("not migrated") ? ("migrations-pending" as const) : ("unavailable" as const),
          ),
        app.cache.status(),
      ]);
      const ready = database === "ok";
      return reply.status(ready ? 200 : 503).send({ status: ready ? "ok" : "unavailable", database, cache });
    },
  );
  done();
};

export default health;

import Fastify, { type FastifyInstance } from "fastify";

/** Builds the service. Routes and plugins are added by the service issue. */
export function buildApp(): FastifyInstance {
  const app = Fastify();
  app.get("/healthz", () => ({ status: "ok" }));
  return app;
}

import { type FastifyPluginCallbackTypebox, type Static } from "@fastify/type-provider-typebox";
import { authErrors } from "../schemas/common";
import { CurrentEnvironment, DoraMetrics, DoraQuery, EnvironmentParams } from "../schemas/releases";

const environments: FastifyPluginCallbackTypebox = (app, _opts, done) => {
  app.get(
    "/environments/:environment/current",
    {
      // A hit then costs one Redis round trip, shared with the API key's stamp.
      config: { role: "viewer", readAhead: (params) => app.releases.readCurrent(params.environment ?? "") },
      schema: {
        summary: "What runs in an environment: the latest succeeded release of each service",
        tags: ["environments"],
        params: EnvironmentParams,
        response: { 200: CurrentEnvironment, ...authErrors },
      },
    },
    async (request, reply) => {
      const { body, hit } = await app.releases.current(request.params.environment, request.readAhead);
      // Already JSON (built from the same shape): Fastify sends a JSON string, or a hit's bytes from Redis, as is,
      // so a hit costs no parse, no serialisation and no copy.
      const json = body as unknown as Static<typeof CurrentEnvironment>;
      return reply
        .header("x-cache", hit ? "hit" : "miss")
        .type("application/json; charset=utf-8")
        .send(json);
    },
  );

  app.get(
    "/metrics/dora",
    {
      // One DORA call reads a whole window: it uses ten requests of the caller's budget.
      config: { role: "viewer", rateCost: 10 },
      schema: {
        summary: "DORA delivery metrics over a window of days",
        tags: ["metrics"],
        querystring: DoraQuery,
        response: { 200: DoraMetrics, ...authErrors },
      },
    },
    async (request) => app.releases.dora(request.query.environment, request.query.days),
  );
  done();
};

export default environments;

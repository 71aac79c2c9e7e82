import { type FastifyPluginCallbackTypebox } from "@fastify/type-provider-typebox";
import { authErrors } from "../schemas/common";
import { DoraTrend, Matrix, Me } from "../schemas/dashboard";
import { DoraQuery } from "../schemas/releases";

/** The reads the web page needs beyond the release API; same authentication and roles as every other route. */
const dashboard: FastifyPluginCallbackTypebox = (app, _opts, done) => {
  app.get(
    "/me",
    { config: { role: "viewer" }, schema: { summary: "Who the caller is and which role it has", tags: ["session"], response: { 200: Me, ...authErrors } } },
    (request) => {
      const { actor, role, kind } = request.principal!;
      return { actor, role, kind };
    },
  );

  app.get(
    "/dashboard/matrix",
    {
      config: { role: "viewer" },
      schema: {
        summary: "Every environment × service: what runs there and the latest attempt",
        tags: ["environments"],
        response: { 200: Matrix, ...authErrors },
      },
    },
    async () => ({ cells: await app.dashboard.matrix() }),
  );

  app.get(
    "/metrics/dora/trend",
    {
      config: { role: "viewer" },
      schema: {
        summary: "DORA metrics in consecutive buckets over a window of days, for trend charts",
        tags: ["metrics"],
        querystring: DoraQuery,
        response: { 200: DoraTrend, ...authErrors },
      },
    },
    async (request) => ({
      environment: request.query.environment ?? null,
      days: request.query.days,
      ...(await app.dashboard.doraTrend(request.query.environment, request.query.days)),
    }),
  );
  done();
};

export default dashboard;

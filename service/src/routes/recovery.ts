import { type FastifyPluginCallbackTypebox } from "@fastify/type-provider-typebox";
import { Type } from "typebox";
import { badRequest, notFound } from "../errors";
import { authErrors, ErrorResponse } from "../schemas/common";
import { CreateDrillBody, Drill, DrillsQuery, ReleaseAt, ReleaseAtQuery } from "../schemas/recovery";
import { checkTimestamp } from "../schemas/timestamps";

/** What a disaster recovery needs from the ledger: the digest that ran at a time, and the drills' record. */
const recovery: FastifyPluginCallbackTypebox = (app, _opts, done) => {
  app.get(
    "/releases/at",
    {
      config: { role: "viewer" },
      schema: {
        summary: "The release of a service that ran in an environment at a time",
        description: "The newest release that finished successfully by `time` and was not rolled back by then.",
        tags: ["releases", "recovery"],
        querystring: ReleaseAtQuery,
        response: { 200: ReleaseAt, 404: ErrorResponse, ...authErrors },
      },
    },
    async (request) => {
      const { environment, service, time } = request.query;
      const at = checkTimestamp("querystring.time", time);
      const release = await app.recovery.releaseAt(environment, service, at.toISOString());
      if (!release) throw notFound(`no release of ${service} had finished in ${environment} by ${at.toISOString()}`);
      return release;
    },
  );

  app.post(
    "/drills",
    {
      config: { role: "deployer" },
      schema: {
        summary: "Record a disaster-recovery drill (devctl dr drill)",
        tags: ["recovery"],
        body: CreateDrillBody,
        response: { 201: Drill, ...authErrors },
      },
    },
    async (request, reply) => {
      const body = request.body;
      checkTimestamp("body.restorePoint", body.restorePoint);
      const started = checkTimestamp("body.startedAt", body.startedAt);
      const finished = checkTimestamp("body.finishedAt", body.finishedAt);
      if (finished < started) throw badRequest(`body.finishedAt (${body.finishedAt}) is before body.startedAt (${body.startedAt})`);
      const drill = await app.recovery.recordDrill(body, request.principal!.actor);
      return reply.status(201).send(drill);
    },
  );

  app.get(
    "/drills",
    {
      config: { role: "viewer" },
      schema: {
        summary: "Recorded disaster-recovery drills, newest first",
        tags: ["recovery"],
        querystring: DrillsQuery,
        response: { 200: Type.Array(Drill), ...authErrors },
      },
    },
    async (request) => app.recovery.listDrills(request.query.environment, request.query.limit),
  );
  done();
};

export default recovery;

import { type FastifyPluginCallbackTypebox } from "@fastify/type-provider-typebox";
import { badRequest, notFound } from "../errors";
import { authErrors, ErrorResponse } from "../schemas/common";
import { checkTimestamp } from "../schemas/timestamps";
import { CreateReleaseBody, IdempotencyHeaders, ListReleasesQuery, Release, ReleasePage, ReleaseParams, UpdateReleaseBody } from "../schemas/releases";

const releases: FastifyPluginCallbackTypebox = (app, _opts, done) => {
  app.post(
    "/releases",
    {
      config: { role: "deployer" },
      schema: {
        summary: "Record a deployment",
        tags: ["releases"],
        headers: IdempotencyHeaders,
        body: CreateReleaseBody,
        response: { 201: Release, 409: ErrorResponse, 413: ErrorResponse, ...authErrors },
      },
    },
    async (request, reply) => {
      const { committedAt, startedAt } = request.body;
      const committed = committedAt === undefined ? undefined : checkTimestamp("body.committedAt", committedAt);
      const started = startedAt === undefined ? new Date() : checkTimestamp("body.startedAt", startedAt);
      if (committed && committed > started) {
        throw badRequest(`body.committedAt (${committedAt}) is after body.startedAt (${started.toISOString()}): a commit comes before its deployment`);
      }
      const { release, replayed } = await app.releases.create(request.body, request.principal!, request.headers["idempotency-key"]);
      if (replayed) reply.header("idempotent-replayed", "true");
      return reply.status(201).header("location", `/v1/releases/${release.id}`).send(release);
    },
  );

  app.patch(
    "/releases/:id",
    {
      config: { role: "deployer" },
      schema: {
        summary: "Move a release to its next status",
        description: "Allowed: started → succeeded | failed | rolled_back; succeeded → rolled_back. Anything else is 409.",
        tags: ["releases"],
        params: ReleaseParams,
        body: UpdateReleaseBody,
        response: { 200: Release, 404: ErrorResponse, 409: ErrorResponse, ...authErrors },
      },
    },
    async (request) => {
      const { status, finishedAt } = request.body;
      if (finishedAt !== undefined) checkTimestamp("body.finishedAt", finishedAt);
      return app.releases.transition(request.params.id, status, finishedAt);
    },
  );

  app.get(
    "/releases",
    {
      config: { role: "viewer" },
      schema: {
        summary: "List releases, newest first",
        tags: ["releases"],
        querystring: ListReleasesQuery,
        response: { 200: ReleasePage, ...authErrors },
      },
    },
    async (request) => app.releases.list(request.query),
  );

  app.get(
    "/releases/:id",
    {
      config: { role: "viewer" },
      schema: { summary: "One release", tags: ["releases"], params: ReleaseParams, response: { 200: Release, 404: ErrorResponse, ...authErrors } },
    },
    async (request) => {
      const release = await app.releases.get(request.params.id);
      if (!release) throw notFound(`release ${request.params.id} does not exist`);
      return release;
    },
  );
  done();
};

export default releases;

import { type FastifyPluginCallbackTypebox } from "@fastify/type-provider-typebox";
import { Type } from "typebox";
import { badRequest, notFound } from "../errors";
import { authErrors, ErrorResponse, Timestamp, Uuid } from "../schemas/common";
import { EnvironmentName, ServiceName } from "../schemas/releases";
import { checkTimestamp } from "../schemas/timestamps";

const Digest = Type.String({ pattern: "^sha256:[a-f0-9]{64}$" });
const Region = Type.String({ pattern: "^[a-z]{2}(-[a-z]+)+-\\d$", description: "AWS region, e.g. eu-central-1" });

const ReleaseAtQuery = Type.Object(
  { environment: EnvironmentName, service: ServiceName, time: Timestamp },
  { additionalProperties: false },
);
const ReleaseAt = Type.Object(
  {
    service: Type.String(),
    environment: Type.String(),
    version: Type.String(),
    imageDigest: Type.String(),
    commitSha: Type.String(),
    finishedAt: Timestamp,
    rolledBackAt: Type.Union([Timestamp, Type.Null()]),
  },
  { additionalProperties: false },
);

const Outcome = Type.Enum(["passed", "failed"], { description: "passed | failed" });
const DrillFields = {
  environment: EnvironmentName,
  recoveryEnvironment: EnvironmentName,
  region: Region,
  outcome: Outcome,
  restorePoint: Timestamp,
  imageDigest: Digest,
  rpoSeconds: Type.Integer({ minimum: 0, maximum: 31_536_000 }),
  rtoSeconds: Type.Integer({ minimum: 0, maximum: 31_536_000 }),
  startedAt: Timestamp,
  finishedAt: Timestamp,
};
const CreateDrillBody = Type.Object({ ...DrillFields, notes: Type.Optional(Type.String({ maxLength: 2000 })) }, { additionalProperties: false });
const Drill = Type.Object(
  { id: Uuid, ...DrillFields, notes: Type.String(), actor: Type.String(), createdAt: Timestamp },
  { additionalProperties: false },
);
const DrillsQuery = Type.Object(
  { environment: Type.Optional(EnvironmentName), limit: Type.Integer({ minimum: 1, maximum: 100, default: 20 }) },
  { additionalProperties: false },
);

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
      schema: { summary: "Recorded disaster-recovery drills, newest first", tags: ["recovery"], querystring: DrillsQuery, response: { 200: Type.Array(Drill), ...authErrors } },
    },
    async (request) => app.recovery.listDrills(request.query.environment, request.query.limit),
  );
  done();
};

export default recovery;

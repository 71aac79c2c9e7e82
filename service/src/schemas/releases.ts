import { Type } from "typebox";
import { Timestamp, Uuid } from "./common";

export const ServiceName = Type.String({ pattern: "^[a-z][a-z0-9-]{1,62}$", description: "service name, lower-case" });
export const EnvironmentName = Type.String({ pattern: "^[a-z][a-z0-9-]{1,30}$", description: "environment name, lower-case" });
export const ImageDigest = Type.String({ pattern: "^sha256:[a-f0-9]{64}$" });
export const RELEASE_STATUSES = ["started", "succeeded", "failed", "rolled_back"] as const;
export const Status = Type.Enum([...RELEASE_STATUSES], { description: "started | succeeded | failed | rolled_back" });

export const Release = Type.Object(
  {
    id: Uuid,
    service: Type.String(),
    environment: Type.String(),
    version: Type.String(),
    imageDigest: Type.String(),
    commitSha: Type.String(),
    committedAt: Type.Union([Timestamp, Type.Null()]),
    status: Status,
    startedAt: Timestamp,
    finishedAt: Type.Union([Timestamp, Type.Null()]),
    rolledBackAt: Type.Union([Timestamp, Type.Null()]),
    actor: Type.String({ description: "who recorded it: the authenticated principal" }),
    createdAt: Timestamp,
    updatedAt: Timestamp,
  },
  { additionalProperties: false },
);

export const CreateReleaseBody = Type.Object(
  {
    service: ServiceName,
    environment: EnvironmentName,
    version: Type.String({ minLength: 1, maxLength: 128, pattern: "^[A-Za-z0-9][A-Za-z0-9._+-]*$" }),
    imageDigest: ImageDigest,
    commitSha: Type.String({ pattern: "^[a-f0-9]{40}$" }),
    committedAt: Type.Optional(Timestamp),
    status: Type.Optional(Status),
    startedAt: Type.Optional(Timestamp),
  },
  { additionalProperties: false },
);

export const IdempotencyHeaders = Type.Object({
  "idempotency-key": Type.Optional(Type.String({ minLength: 1, maxLength: 255, pattern: "^[\\x21-\\x7e]+$" })),
});

export const UpdateReleaseBody = Type.Object(
  {
    status: Status,
    finishedAt: Type.Optional(Timestamp),
  },
  { additionalProperties: false },
);

export const ReleaseParams = Type.Object({ id: Uuid }, { additionalProperties: false });

export const ListReleasesQuery = Type.Object(
  {
    service: Type.Optional(ServiceName),
    environment: Type.Optional(EnvironmentName),
    status: Type.Optional(Status),
    limit: Type.Integer({ minimum: 1, maximum: 100, default: 20 }),
    cursor: Type.Optional(Type.String({ minLength: 1, maxLength: 200 })),
  },
  { additionalProperties: false },
);

export const ReleasePage = Type.Object({ items: Type.Array(Release), nextCursor: Type.Union([Type.String(), Type.Null()]) }, { additionalProperties: false });

export const EnvironmentParams = Type.Object({ environment: EnvironmentName }, { additionalProperties: false });

export const CurrentEnvironment = Type.Object(
  {
    environment: Type.String(),
    services: Type.Array(
      Type.Object(
        { service: Type.String(), version: Type.String(), imageDigest: Type.String(), releaseId: Uuid, releasedAt: Timestamp },
        { additionalProperties: false },
      ),
    ),
  },
  { additionalProperties: false },
);

export const DoraQuery = Type.Object(
  {
    environment: Type.Optional(EnvironmentName),
    days: Type.Integer({ minimum: 1, maximum: 365, default: 30 }),
  },
  { additionalProperties: false },
);

const Nullable = (description: string) => Type.Union([Type.Number(), Type.Null()], { description });

export const DoraMetrics = Type.Object(
  {
    environment: Type.Union([Type.String(), Type.Null()]),
    days: Type.Integer(),
    from: Timestamp,
    to: Timestamp,
    deployments: Type.Integer({ description: "finished deployments started in the window" }),
    successfulDeployments: Type.Integer({ description: "succeeded, including ones later rolled back" }),
    failedDeployments: Type.Integer({ description: "failed or rolled back" }),
    deploymentFrequencyPerDay: Type.Number({ description: "successful deployments per day" }),
    changeFailureRate: Nullable("failed / deployments; null without deployments"),
    medianLeadTimeSeconds: Nullable("median of committedAt → finishedAt"),
    medianTimeToRestoreSeconds: Nullable("median time from a failure to the service being restored"),
    source: Type.Union([Type.Literal("snapshot"), Type.Literal("live")], {
      description: "snapshot: computed by the scheduled DORA job at computedAt (the window ends then); live: computed for this request",
    }),
    computedAt: Timestamp,
  },
  { additionalProperties: false },
);

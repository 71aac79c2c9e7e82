import { Type } from "typebox";
import { RoleSchema } from "./api-keys";
import { Status } from "./releases";
import { Timestamp, Uuid } from "./common";

export const Me = Type.Object(
  {
    actor: Type.String({ description: "recorded as the actor of releases you create" }),
    role: RoleSchema,
    kind: Type.Enum(["api-key", "oidc"]),
  },
  { additionalProperties: false },
);

export const Matrix = Type.Object(
  {
    cells: Type.Array(
      Type.Object(
        {
          environment: Type.String(),
          service: Type.String(),
          current: Type.Union([
            Type.Object(
              { releaseId: Uuid, version: Type.String(), imageDigest: Type.String(), releasedAt: Timestamp, actor: Type.String() },
              { additionalProperties: false },
            ),
            Type.Null(),
          ]),
          latest: Type.Object(
            { releaseId: Uuid, version: Type.String(), status: Status, startedAt: Timestamp, actor: Type.String() },
            { additionalProperties: false },
          ),
        },
        { additionalProperties: false },
      ),
    ),
  },
  { additionalProperties: false },
);

const Nullable = Type.Union([Type.Number(), Type.Null()]);

export const DoraTrend = Type.Object(
  {
    environment: Type.Union([Type.String(), Type.Null()]),
    days: Type.Integer(),
    bucketDays: Type.Integer({ description: "each point covers this many days, starting at its `from`" }),
    points: Type.Array(
      Type.Object(
        {
          from: Timestamp,
          deployments: Type.Integer(),
          failedDeployments: Type.Integer(),
          deploymentFrequencyPerDay: Type.Number(),
          changeFailureRate: Nullable,
          medianLeadTimeSeconds: Nullable,
          medianTimeToRestoreSeconds: Nullable,
        },
        { additionalProperties: false },
      ),
    ),
  },
  { additionalProperties: false },
);

import { Type } from "typebox";
import { Timestamp, Uuid } from "./common";
import { EnvironmentName, ImageDigest, ServiceName } from "./releases";

const Region = Type.String({ pattern: "^[a-z]{2}(-[a-z]+)+-\\d$", description: "AWS region, e.g. eu-central-1" });

export const ReleaseAtQuery = Type.Object({ environment: EnvironmentName, service: ServiceName, time: Timestamp }, { additionalProperties: false });
export const ReleaseAt = Type.Object(
  {
    service: Type.String(),
    environment: Type.String(),
    version: Type.String(),
    imageDigest: Type.String(),
    commitSha: Type.String(),
    finishedAt: Timestamp,
    // When that release was rolled back, if it was (after `time`); null while it ran.
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
  imageDigest: ImageDigest,
  rpoSeconds: Type.Integer({ minimum: 0, maximum: 31_536_000 }),
  rtoSeconds: Type.Integer({ minimum: 0, maximum: 31_536_000 }),
  startedAt: Timestamp,
  finishedAt: Timestamp,
};
export const CreateDrillBody = Type.Object({ ...DrillFields, notes: Type.Optional(Type.String({ maxLength: 2000 })) }, { additionalProperties: false });
export const Drill = Type.Object(
  { id: Uuid, ...DrillFields, notes: Type.String(), actor: Type.String(), createdAt: Timestamp },
  { additionalProperties: false },
);
export const DrillsQuery = Type.Object(
  { environment: Type.Optional(EnvironmentName), limit: Type.Integer({ minimum: 1, maximum: 100, default: 20 }) },
  { additionalProperties: false },
);

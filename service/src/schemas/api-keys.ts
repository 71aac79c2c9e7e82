import { Type } from "typebox";
import { ROLES } from "../auth/roles";
import { Timestamp, Uuid } from "./common";

export const RoleSchema = Type.Enum([...ROLES], { description: "viewer < deployer < admin" });

export const CreateApiKeyBody = Type.Object(
  {
    name: Type.String({ minLength: 1, maxLength: 64, pattern: "^[A-Za-z0-9][A-Za-z0-9 ._-]*$" }),
    role: RoleSchema,
  },
  { additionalProperties: false },
);

const apiKeyFields = {
  id: Uuid,
  name: Type.String(),
  role: RoleSchema,
  prefix: Type.String({ description: "the first characters of the key, to recognise it" }),
  createdBy: Type.String(),
  createdAt: Timestamp,
  revokedAt: Type.Union([Timestamp, Type.Null()]),
};

export const ApiKey = Type.Object(apiKeyFields, { additionalProperties: false });
export const CreatedApiKey = Type.Object(
  { ...apiKeyFields, key: Type.String({ description: "the secret; shown only in this response" }) },
  { additionalProperties: false },
);
export const ApiKeyList = Type.Object({ items: Type.Array(ApiKey) }, { additionalProperties: false });
export const ApiKeyParams = Type.Object({ id: Uuid }, { additionalProperties: false });

import { Type } from "typebox";

export const ErrorResponse = Type.Object(
  {
    statusCode: Type.Integer(),
    error: Type.String(),
    message: Type.String(),
    details: Type.Optional(Type.Array(Type.Object({ field: Type.String(), message: Type.String() }, { additionalProperties: false }))),
  },
  { additionalProperties: false, $id: "Error" },
);

/** The error responses every authenticated route can give, for the OpenAPI document. */
export const authErrors = {
  400: ErrorResponse,
  401: ErrorResponse,
  403: ErrorResponse,
  429: ErrorResponse,
  500: ErrorResponse,
  503: ErrorResponse,
};

export const Uuid = Type.String({ format: "uuid", description: "UUID" });
export const Timestamp = Type.String({ format: "date-time", description: "RFC 3339 timestamp" });
export const NoContent = Type.Null({ description: "No content" });

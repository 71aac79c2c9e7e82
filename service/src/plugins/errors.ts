import fp from "fastify-plugin";
import { type FastifyError } from "fastify";
import { HttpError } from "../errors";
import { toAvailabilityError, toClientError } from "../db/errors";
import { STATUS_CODES } from "node:http";

interface ValidationIssue {
  instancePath: string;
  message?: string;
  keyword: string;
  params: Record<string, unknown>;
}

/** `body.service: must match pattern "^[a-z]..."`, naming unknown fields and missing ones precisely. */
export function describeValidation(context: string, issue: ValidationIssue): { field: string; message: string } {
  const path = issue.instancePath.split("/").filter(Boolean).join(".");
  const base = path ? `${context}.${path}` : context;
  if (issue.keyword === "additionalProperties" && typeof issue.params.additionalProperty === "string") {
    return { field: `${base}.${issue.params.additionalProperty}`, message: "is not an allowed field" };
  }
  if (issue.keyword === "required" && typeof issue.params.missingProperty === "string") {
    return { field: `${base}.${issue.params.missingProperty}`, message: "is required" };
  }
  return { field: base, message: issue.message ?? "is not valid" };
}

export default fp(
  (app, _opts, done) => {
    app.setErrorHandler((rawError: FastifyError, request, reply) => {
      const error = toClientError(toAvailabilityError(rawError)) as FastifyError;
      if (error.validation) {
        const details = error.validation.map((issue) => describeValidation(error.validationContext ?? "request", issue as ValidationIssue));
        return reply.status(400).send({
          statusCode: 400,
          error: "Bad Request",
          message: details.map((d) => `${d.field} ${d.message}`).join("; "),
          details,
        });
      }
      const statusCode = error instanceof HttpError ? error.statusCode : (error.statusCode ?? 500);
      if (error instanceof HttpError) reply.headers(error.headers);
      if (statusCode >= 500) {
        request.log.error({ err: rawError }, "request failed");
        // Only our own 503s carry a message written for callers; any other 5xx says nothing internal.
        const message = error instanceof HttpError ? error.message : "an unexpected error occurred; it has been logged";
        return reply.status(statusCode).send({ statusCode, error: STATUS_CODES[statusCode] ?? "Error", message });
      }
      return reply.status(statusCode).send({ statusCode, error: STATUS_CODES[statusCode] ?? "Error", message: error.message });
    });

    app.setNotFoundHandler((request, reply) =>
      reply.status(404).send({ statusCode: 404, error: "Not Found", message: `no route ${request.method} ${request.url.split("?")[0]}` }),
    );
    done();
  },
  { name: "errors" },
);

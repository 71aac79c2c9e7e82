import { type FastifyPluginCallbackTypebox } from "@fastify/type-provider-typebox";
import { notFound } from "../errors";
import { ApiKeyList, ApiKeyParams, CreateApiKeyBody, CreatedApiKey } from "../schemas/api-keys";
import { authErrors, ErrorResponse, NoContent } from "../schemas/common";

const apiKeys: FastifyPluginCallbackTypebox = (app, _opts, done) => {
  app.post(
    "/api-keys",
    {
      config: { role: "admin" },
      schema: {
        summary: "Create an API key (the secret is shown once)",
        tags: ["api-keys"],
        body: CreateApiKeyBody,
        response: { 201: CreatedApiKey, ...authErrors },
      },
    },
    async (request, reply) => {
      const created = await app.apiKeys.create({ ...request.body, createdBy: request.principal!.actor });
      return reply.status(201).header("cache-control", "no-store").send(created);
    },
  );

  app.get(
    "/api-keys",
    { config: { role: "admin" }, schema: { summary: "List API keys (never their secrets)", tags: ["api-keys"], response: { 200: ApiKeyList, ...authErrors } } },
    async () => ({ items: await app.apiKeys.list() }),
  );

  app.delete(
    "/api-keys/:id",
    {
      config: { role: "admin" },
      schema: {
        summary: "Revoke an API key: refused from its very next use (503 when Redis could not be told; revoke again)",
        tags: ["api-keys"],
        params: ApiKeyParams,
        response: { 204: NoContent, 404: ErrorResponse, ...authErrors },
      },
    },
    async (request, reply) => {
      if (!(await app.apiKeys.revoke(request.params.id))) throw notFound(`API key ${request.params.id} does not exist`);
      return reply.status(204).send(null);
    },
  );
  done();
};

export default apiKeys;

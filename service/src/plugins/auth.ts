import fp from "fastify-plugin";
import { type FastifyRequest } from "fastify";
import { looksLikeApiKey } from "../auth/api-key-secret";
import { createOidcVerifier } from "../auth/oidc";
import { hasRole, type Principal, type Role } from "../auth/roles";
import { type Config } from "../config";
import { forbidden, HttpError, unauthorized } from "../errors";
import { startReadAhead } from "./read-ahead";

declare module "fastify" {
  interface FastifyRequest {
    principal: Principal | null;
  }
  interface FastifyContextConfig {
    /** The least role a route needs; routes without it are public. */
    role?: Role;
  }
}

/** Requires `Authorization: Bearer <api key | OIDC JWT>` on every route that declares a role. */
export default fp(
  (app, opts: { config: Config }, done) => {
    const verifyJwt = opts.config.oidc
      ? createOidcVerifier(opts.config.oidc, {
          log: (error) => app.log.warn({ err: error }, "refreshing the identity provider's signing keys failed; the last good ones stay in use"),
        })
      : undefined;
    app.decorateRequest("principal", null);

    async function authenticate(request: FastifyRequest): Promise<Principal> {
      const header = request.headers.authorization;
      if (header === undefined) throw unauthorized("missing Authorization header: send `Authorization: Bearer <api key or OIDC token>`");
      const match = /^Bearer\s+(\S+)\s*$/i.exec(header);
      if (!match) throw unauthorized("the Authorization header must be `Bearer <api key or OIDC token>`");
      const token = match[1]!;
      if (looksLikeApiKey(token)) {
        const key = await app.apiKeys.findActive(token);
        if (!key) throw unauthorized("the API key is unknown or has been revoked");
        return { id: `api-key:${key.id}`, actor: `api-key:${key.name}`, role: key.role, kind: "api-key" };
      }
      if (token.split(".").length === 3) {
        if (!verifyJwt) throw unauthorized("OIDC tokens are not accepted here (OIDC is not configured); use an API key");
        const result = await verifyJwt(token);
        if ("principal" in result) return result.principal;
        if (result.error === "no-role") throw forbidden(result.reason);
        throw unauthorized(result.reason);
      }
      throw unauthorized("the bearer token is neither an API key nor a JWT");
    }

    // Address budget → read ahead → authenticate → charge the principal → authorize: a flood of bad credentials
    // costs no I/O once over its budget, and a refused (403, later 400) request still uses the budget.
    app.addHook("onRequest", async (request, reply) => {
      const required = request.routeOptions.config.role;
      if (required === undefined) return;
      app.rateLimiter.checkAddress(request);
      // In this turn, as the key's stamp is read below: one Redis round trip for both.
      startReadAhead(request);
      let principal: Principal;
      try {
        principal = await authenticate(request);
      } catch (error) {
        if (error instanceof HttpError && error.statusCode === 401) app.rateLimiter.authenticationFailed(request);
        throw error;
      }
      request.principal = principal;
      app.rateLimiter.charge(request, reply, principal.id);
      if (!hasRole(principal.role, required)) {
        throw forbidden(`this needs the ${required} role; the caller has ${principal.role}`);
      }
    });
    done();
  },
  { name: "auth", dependencies: ["api-keys-repository", "rate-limit", "read-ahead"] },
);

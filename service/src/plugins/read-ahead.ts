import { type FastifyRequest } from "fastify";
import fp from "fastify-plugin";
import { type CachedValue } from "./redis";

declare module "fastify" {
  interface FastifyContextConfig {
    /**
     * A cache read the handler will need, started from the router's path parameters (not yet validated) by the auth
     * hook, just before it reads the API key's stamp: reads of one event-loop turn share one MGET, so the answer
     * costs no second round trip after authentication.
     */
    readAhead?: (params: Readonly<Record<string, string | undefined>>) => Promise<CachedValue | undefined>;
  }
  interface FastifyRequest {
    /**
     * The route's read-ahead, under way. Only the handler awaits it, and the handler runs only for a caller who
     * passed authentication, authorisation and validation: nothing read here reaches anyone else.
     */
    readAhead: Promise<CachedValue | undefined> | undefined;
  }
}

/** Starts the route's read-ahead, if it has one (see FastifyContextConfig.readAhead). */
export function startReadAhead(request: FastifyRequest): void {
  const start = request.routeOptions.config.readAhead;
  // The router's parameters are strings; validation (and so Fastify's typing of them) comes later.
  if (start) request.readAhead = start(request.params as Record<string, string | undefined>);
}

export default fp(
  (app, _opts, done) => {
    app.decorateRequest("readAhead", undefined);
    done();
  },
  { name: "read-ahead" },
);

import fp from "fastify-plugin";
import { type CachedValue } from "./redis";

declare module "fastify" {
  interface FastifyContextConfig {
    /**
     * A cache read the handler will need, started from the router's path parameters (not yet validated) as the
     * request arrives, so that it joins the Redis read authentication makes in the same event-loop turn (the API
     * key stamp; reads of one turn share one MGET) instead of costing a second round trip after it.
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

/** Registered before the auth plugin, whose hook then runs in the same turn. */
export default fp(
  (app, _opts, done) => {
    app.decorateRequest("readAhead", undefined);
    app.addHook("onRequest", (request, _reply, next) => {
      const start = request.routeOptions.config.readAhead;
      // The router's parameters are strings; validation (and so Fastify's typing of them) comes later.
      if (start) request.readAhead = start(request.params as Record<string, string | undefined>);
      next();
    });
    done();
  },
  { name: "read-ahead", dependencies: ["redis"] },
);

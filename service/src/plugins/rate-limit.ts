import fp from "fastify-plugin";
import { type Config } from "../config";
import { HttpError } from "../errors";

const WINDOW_MS = 60_000;

/** Per-instance counters: the fallback while Redis is unreachable, and the store when there is no Redis. */
class LocalWindows {
  private window = -1;
  private counts = new Map<string, number>();

  increment(key: string, window: number): number {
    if (window !== this.window) {
      this.window = window;
      this.counts = new Map();
    }
    const next = (this.counts.get(key) ?? 0) + 1;
    this.counts.set(key, next);
    return next;
  }
}

/**
 * A fixed one-minute window per principal, counted in Redis so every instance shares the budget; if Redis
 * fails the count falls back to this instance alone rather than failing or skipping the limit.
 */
export default fp(
  (app, opts: { config: Config }, done) => {
    const limit = opts.config.rateLimitPerMinute;
    if (limit === 0) return done();
    const local = new LocalWindows();

    app.addHook("preHandler", async (request, reply) => {
      const principal = request.principal;
      if (!principal) return;
      const now = Date.now();
      const window = Math.floor(now / WINDOW_MS);
      const key = `rl:${principal.id}:${window}`;
      const count = (await app.cache.incrementWindow(key, WINDOW_MS)) ?? local.increment(key, window);
      const resetSeconds = Math.max(1, Math.ceil(((window + 1) * WINDOW_MS - now) / 1000));
      reply.header("x-ratelimit-limit", limit);
      reply.header("x-ratelimit-remaining", Math.max(0, limit - count));
      reply.header("x-ratelimit-reset", resetSeconds);
      if (count > limit) {
        throw new HttpError(429, `rate limit of ${limit} requests per minute exceeded; retry in ${resetSeconds} s`, {
          "retry-after": String(resetSeconds),
        });
      }
    });
    done();
  },
  { name: "rate-limit", dependencies: ["redis", "auth"] },
);

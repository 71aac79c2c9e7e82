import fp from "fastify-plugin";
import { type Config } from "../config";
import { HttpError } from "../errors";
import { type Cache } from "./redis";

const WINDOW_MS = 60_000;

interface Counter {
  /** The shared total Redis last reported (every instance's hits, ours included). */
  shared: number;
  /** Our hits on their way to Redis. */
  inFlight: number;
  /** Our hits not yet sent. */
  pending: number;
}

/**
 * Per-principal counts for the current clock minute. Hits are counted in memory at once and sent to Redis
 * in one batch per event-loop turn (INCRBY per principal), so the request path never waits for Redis and
 * every instance still shares one budget. If Redis fails, the hits stay counted here: the limit then holds
 * per instance instead of being skipped.
 */
export class WindowCounters {
  private window = -1;
  private counters = new Map<string, Counter>();
  private scheduled = false;

  constructor(private readonly cache: Cache) {}

  /** Counts one hit and returns the best known total for this window. */
  hit(principal: string, window: number): number {
    if (window !== this.window) {
      this.window = window;
      this.counters = new Map();
    }
    let counter = this.counters.get(principal);
    if (!counter) {
      counter = { shared: 0, inFlight: 0, pending: 0 };
      this.counters.set(principal, counter);
    }
    counter.pending++;
    if (this.cache.enabled && !this.scheduled) {
      this.scheduled = true;
      setImmediate(() => void this.flush());
    }
    return counter.shared + counter.inFlight + counter.pending;
  }

  async flush(): Promise<void> {
    this.scheduled = false;
    const window = this.window;
    const batch = [...this.counters].filter(([, c]) => c.pending > 0);
    if (batch.length === 0) return;
    const sent = batch.map(([principal, c]) => {
      const delta = c.pending;
      c.inFlight += delta;
      c.pending = 0;
      return [principal, c, delta] as const;
    });
    const totals = await this.cache.addToWindows(
      sent.map(([principal, , delta]) => [`rl:${principal}:${window}`, delta] as const),
      WINDOW_MS,
    );
    sent.forEach(([, counter, delta], i) => {
      counter.inFlight -= delta;
      const total = totals?.[i];
      // Redis down: keep counting here. Up: its total already includes this delta.
      counter.shared = total === undefined ? counter.shared + delta : Math.max(counter.shared, total);
    });
  }
}

/** A fixed one-minute window per principal; 429 with Retry-After beyond RATE_LIMIT_PER_MINUTE. */
export default fp(
  (app, opts: { config: Config }, done) => {
    const limit = opts.config.rateLimitPerMinute;
    if (limit === 0) return done();
    const counters = new WindowCounters(app.cache);

    app.addHook("preHandler", (request, reply, next) => {
      const principal = request.principal;
      if (!principal) return next();
      const now = Date.now();
      const window = Math.floor(now / WINDOW_MS);
      const count = counters.hit(principal.id, window);
      const resetSeconds = Math.max(1, Math.ceil(((window + 1) * WINDOW_MS - now) / 1000));
      reply.header("x-ratelimit-limit", limit);
      reply.header("x-ratelimit-remaining", Math.max(0, limit - count));
      reply.header("x-ratelimit-reset", resetSeconds);
      if (count > limit) {
        return next(
          new HttpError(429, `rate limit of ${limit} requests per minute exceeded; retry in ${resetSeconds} s`, { "retry-after": String(resetSeconds) }),
        );
      }
      next();
    });
    done();
  },
  { name: "rate-limit", dependencies: ["redis", "auth"] },
);

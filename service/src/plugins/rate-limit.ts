import fp from "fastify-plugin";
import { type FastifyReply, type FastifyRequest } from "fastify";
import { type Config } from "../config";
import { HttpError } from "../errors";
import { type Cache } from "./redis";

const WINDOW_MS = 60_000;
/**
 * How long hits wait in memory before one send to Redis. Against a one-minute window, another instance seeing
 * our hits 50 ms late changes nothing; sending every event-loop turn cost a Redis round trip per turn.
 */
export const FLUSH_INTERVAL_MS = 50;

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
 * in one batch every FLUSH_INTERVAL_MS (INCRBY per principal), so the request path never waits for Redis and
 * every instance still shares one budget. If Redis fails, the hits stay counted here: the limit then holds
 * per instance instead of being skipped.
 */
export class WindowCounters {
  private window = -1;
  private counters = new Map<string, Counter>();
  private scheduled = false;

  constructor(private readonly cache: Cache) {}

  /** Counts `cost` hits and returns the best known total for this window. */
  hit(principal: string, window: number, cost = 1): number {
    this.roll(window);
    let counter = this.counters.get(principal);
    if (!counter) {
      counter = { shared: 0, inFlight: 0, pending: 0 };
      this.counters.set(principal, counter);
    }
    counter.pending += cost;
    if (this.cache.enabled && !this.scheduled) {
      this.scheduled = true;
      setTimeout(() => void this.flush(), FLUSH_INTERVAL_MS).unref();
    }
    return counter.shared + counter.inFlight + counter.pending;
  }

  /** The best known total for this window, without counting a hit. */
  peek(principal: string, window: number): number {
    this.roll(window);
    const counter = this.counters.get(principal);
    return counter ? counter.shared + counter.inFlight + counter.pending : 0;
  }

  private roll(window: number): void {
    if (window !== this.window) {
      this.window = window;
      this.counters = new Map();
    }
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

export interface RateLimiter {
  /** 429 when the caller's address has used its budget of failed authentications: answered without PostgreSQL. */
  checkAddress(request: FastifyRequest): void;
  /** Counts one failed authentication against the caller's address. */
  authenticationFailed(request: FastifyRequest): void;
  /** Counts the request against its principal (the route's `rateCost`, default 1); 429 beyond the limit. */
  charge(request: FastifyRequest, reply: FastifyReply, principal: string): void;
}

declare module "fastify" {
  interface FastifyInstance {
    rateLimiter: RateLimiter;
  }
  interface FastifyContextConfig {
    /** How many requests of the budget one call uses (expensive reads cost more). */
    rateCost?: number;
  }
}

function windowNow(): { window: number; resetSeconds: number } {
  const now = Date.now();
  const window = Math.floor(now / WINDOW_MS);
  return { window, resetSeconds: Math.max(1, Math.ceil(((window + 1) * WINDOW_MS - now) / 1000)) };
}

const tooMany = (message: string, resetSeconds: number) => new HttpError(429, message, { "retry-after": String(resetSeconds) });

/**
 * Two fixed one-minute windows (the clock minute), shared by every instance through Redis:
 * RATE_LIMIT_PER_MINUTE per principal, counted right after authentication (so requests then refused
 * with 403 or 400 count too), and AUTH_FAILURES_PER_MINUTE failed authentications per client address,
 * beyond which that address is answered 429 before its credentials are even looked up.
 */
export default fp(
  (app, opts: { config: Config }, done) => {
    const { rateLimitPerMinute: limit, authFailuresPerMinute: failureLimit } = opts.config;
    const counters = new WindowCounters(app.cache);
    const addressKey = (request: FastifyRequest) => `auth-failures:${request.ip}`;

    app.decorate("rateLimiter", {
      checkAddress(request) {
        if (failureLimit === 0) return;
        const { window, resetSeconds } = windowNow();
        if (counters.peek(addressKey(request), window) >= failureLimit) {
          throw tooMany(`too many failed authentications from this address; retry in ${resetSeconds} s`, resetSeconds);
        }
      },
      authenticationFailed(request) {
        if (failureLimit !== 0) counters.hit(addressKey(request), windowNow().window);
      },
      charge(request, reply, principal) {
        if (limit === 0) return;
        const { window, resetSeconds } = windowNow();
        const count = counters.hit(principal, window, request.routeOptions.config.rateCost ?? 1);
        reply.header("x-ratelimit-limit", limit);
        reply.header("x-ratelimit-remaining", Math.max(0, limit - count));
        reply.header("x-ratelimit-reset", resetSeconds);
        if (count > limit) throw tooMany(`rate limit of ${limit} requests per minute exceeded; retry in ${resetSeconds} s`, resetSeconds);
      },
    } satisfies RateLimiter);
    done();
  },
  { name: "rate-limit", dependencies: ["redis"] },
);

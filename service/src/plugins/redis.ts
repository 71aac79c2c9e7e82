import fp from "fastify-plugin";
import { Redis } from "ioredis";
import { type FastifyBaseLogger } from "fastify";
import { perTurnBatch } from "../batching/per-turn";
import { type Config, type RedisConfig } from "../config";
import { CircuitBreaker, CircuitOpenError, type CircuitBreakerOptions } from "../resilience/circuit-breaker";

declare module "fastify" {
  interface FastifyInstance {
    cache: Cache;
  }
}

export interface CachedValue {
  value: Buffer | null;
  generation: string;
}

/** `bypassed`: Redis was failing or slow, so the circuit breaker skips it for a while. */
export type CacheStatus = "ok" | "degraded" | "bypassed" | "disabled";

// Stores a value only if the key's generation has not moved since the reader fetched it: a reader that
// raced a write can never put an older answer back after the writer's invalidation.
const SET_IF_GENERATION = `
local current = redis.call('GET', KEYS[2])
if (current == false and ARGV[1] == '') or current == ARGV[1] then
  redis.call('SET', KEYS[1], ARGV[2], 'EX', ARGV[3])
  return 1
end
return 0`;

const ADD_TO_WINDOW = `
local n = redis.call('INCRBY', KEYS[1], ARGV[1])
if n == tonumber(ARGV[1]) then redis.call('PEXPIRE', KEYS[1], ARGV[2]) end
return n`;

interface LedgerCommands {
  ledgerSetIfGeneration(key: string, genKey: string, generation: string, value: string, ttl: number): Promise<number>;
  ledgerAddToWindow(key: string, delta: number, windowMs: number): Promise<number>;
}

/**
 * Redis as an optional accelerator. Every method swallows Redis failures (reporting `undefined` or `false`)
 * so a caller always has a PostgreSQL fallback and no request fails because of the cache.
 */
export class Cache {
  private lastWarning = 0;
  private readonly readBatch = perTurnBatch((keys) => this.readMany(keys));
  /**
   * Keys whose invalidation could not reach Redis. Until it does, this instance never serves or refills
   * them from Redis, and it sends them again first whenever Redis answers (before any read of the batch),
   * so a write made during an outage is not undone by a stale entry when Redis comes back.
   */
  private readonly unsent = new Set<string>();
  private resending: Promise<void> | undefined;

  private readonly breaker: CircuitBreaker;

  constructor(
    private readonly redis: (Redis & LedgerCommands) | undefined,
    private readonly log: FastifyBaseLogger,
    breaker: Omit<CircuitBreakerOptions, "onChange"> = { failures: 3, cooldownMs: 10_000, slowMs: 100 },
  ) {
    this.breaker = new CircuitBreaker({
      ...breaker,
      onChange: (state) =>
        state === "open"
          ? log.warn({ cooldownMs: breaker.cooldownMs }, "Redis failing or slow: bypassing the cache for a while")
          : log.info("Redis answers in time again: using the cache"),
    });
    redis?.on("ready", () => void this.resendInvalidations());
  }

  /** Every Redis call goes through the breaker: a slow Redis must cost no more than no Redis. */
  private call<T>(work: (redis: Redis & LedgerCommands) => Promise<T>): Promise<T> {
    return this.breaker.run(() => work(this.redis!));
  }

  get enabled(): boolean {
    return this.redis !== undefined;
  }

  async status(): Promise<CacheStatus> {
    if (!this.redis) return "disabled";
    try {
      if ((await this.call((redis) => redis.ping())) !== "PONG") return "degraded";
      await this.resendInvalidations();
      return this.unsent.size === 0 ? "ok" : "degraded";
    } catch (error) {
      return error instanceof CircuitOpenError ? "bypassed" : "degraded";
    }
  }

  /** Sends every failed invalidation again (one at a time in flight); keys that still fail stay pending. */
  private resendInvalidations(): Promise<void> {
    if (this.unsent.size === 0) return Promise.resolve();
    this.resending ??= (async () => {
      try {
        await Promise.all(
          [...this.unsent].map((key) =>
            this.sendInvalidation(key).then(
              () => this.unsent.delete(key),
              () => undefined,
            ),
          ),
        );
        if (this.unsent.size === 0) this.log.info("invalidations missed while Redis was unreachable have been applied");
      } finally {
        this.resending = undefined;
      }
    })();
    return this.resending;
  }

  private async sendInvalidation(key: string): Promise<void> {
    // The generation outlives any value (CACHE_TTL_SECONDS is at most a day) and then expires too.
    await this.call((redis) =>
      redis
        .multi()
        .incr(`${key}:gen`)
        .expire(`${key}:gen`, 2 * 86_400)
        .del(key)
        .exec(),
    );
  }

  /**
   * The cached value (as bytes, so an answer is sent as stored: no decoding, and no copy into the response) and the
   * generation it must still match to be refreshed; undefined when Redis failed. Reads asked for in the same
   * event-loop turn share one MGET, issued after all of them arrived, so none can miss an invalidation that
   * happened before it was asked. Readers of one key in one turn share one answer: never modify it.
   */
  read(key: string): Promise<CachedValue | undefined> {
    if (!this.redis) return Promise.resolve(undefined);
    return this.readBatch(key);
  }

  private async readMany(keys: string[]): Promise<(key: string) => CachedValue | undefined> {
    let values: (Buffer | null)[] | undefined;
    try {
      await this.resendInvalidations();
      values = await this.call((redis) => redis.mgetBuffer(keys.flatMap((k) => [k, `${k}:gen`])));
    } catch (error) {
      this.warn(error, "read");
    }
    const answers = new Map(
      keys.map((key, i) => [
        key,
        values && !this.unsent.has(key) ? { value: values[2 * i] ?? null, generation: values[2 * i + 1]?.toString() ?? "" } : undefined,
      ]),
    );
    return (key) => answers.get(key);
  }

  async fill(key: string, generation: string, value: string, ttlSeconds: number): Promise<void> {
    if (!this.redis) return;
    try {
      await this.call((redis) => redis.ledgerSetIfGeneration(key, `${key}:gen`, generation, value, ttlSeconds));
    } catch (error) {
      this.warn(error, "fill");
    }
  }

  /** Bumps the generation and drops the value; false when Redis could not be reached. */
  async invalidate(key: string): Promise<boolean> {
    if (!this.redis) return true;
    try {
      await this.sendInvalidation(key);
      this.unsent.delete(key);
      return true;
    } catch (error) {
      this.unsent.add(key);
      this.warn(error, "invalidate");
      return false;
    }
  }

  /** Adds hits to fixed-window counters and returns their new totals; undefined when Redis failed. */
  async addToWindows(deltas: readonly (readonly [key: string, delta: number])[], windowMs: number): Promise<number[] | undefined> {
    if (!this.redis) return undefined;
    try {
      return await this.call((redis) => Promise.all(deltas.map(([key, delta]) => redis.ledgerAddToWindow(key, delta, windowMs))));
    } catch (error) {
      this.warn(error, "rate limit");
      return undefined;
    }
  }

  // A Redis outage would otherwise log once per request.
  private warn(error: unknown, operation: string): void {
    if (error instanceof CircuitOpenError) return;
    const now = Date.now();
    if (now - this.lastWarning < 10_000) return;
    this.lastWarning = now;
    this.log.warn({ err: error }, `Redis ${operation} failed; answering without the cache`);
  }
}

export function createRedis(config: RedisConfig, log: FastifyBaseLogger): Redis & LedgerCommands {
  const options = {
    keyPrefix: config.keyPrefix,
    // Fail commands at once while disconnected instead of queueing them behind a reconnect.
    enableOfflineQueue: false,
    commandTimeout: config.commandTimeoutMs,
    connectTimeout: config.connectTimeoutMs,
    maxRetriesPerRequest: 0,
    // Off: the hot path already sends one MGET per event-loop turn (Cache.read), and ioredis's own batching
    // then only adds a pipeline per command (about 2 µs of CPU per cached request in the warm benchmark, and
    // objects that live long enough to be promoted to the old generation).
    enableAutoPipelining: false,
    // Keep trying for ever, at most every 2 s: the cache comes back by itself after an outage.
    retryStrategy: (times: number) => Math.min(times * 100, 2_000),
    ...(config.password !== undefined ? { password: config.password } : {}),
    ...(config.tls ? { tls: {} } : {}),
  };
  const redis = config.url !== undefined ? new Redis(config.url, options) : new Redis(config.port, config.host ?? "127.0.0.1", options);
  let down = false;
  redis.on("error", (error: Error) => {
    if (!down) log.warn({ err: error }, "Redis unavailable; serving from PostgreSQL until it is back");
    down = true;
  });
  redis.on("ready", () => {
    if (down) log.info("Redis connection restored");
    down = false;
  });
  redis.defineCommand("ledgerSetIfGeneration", { numberOfKeys: 2, lua: SET_IF_GENERATION });
  redis.defineCommand("ledgerAddToWindow", { numberOfKeys: 1, lua: ADD_TO_WINDOW });
  return redis as Redis & LedgerCommands;
}

export default fp(
  async (app, opts: { config: Config }) => {
    const config = opts.config.redis;
    const redis = config ? createRedis(config, app.log) : undefined;
    app.decorate("cache", new Cache(redis, app.log, config && { failures: 3, cooldownMs: config.breakerCooldownMs, slowMs: config.slowMs }));
    if (redis) {
      app.addHook("onClose", async () => {
        // QUIT waits for Redis; a dead server must not hold up shutdown.
        await Promise.race([redis.quit().catch(() => undefined), new Promise((resolve) => setTimeout(resolve, 500).unref())]);
        redis.disconnect();
      });
      // Give the first connection a moment so the first requests can use the cache; never fail the boot on it.
      await new Promise<void>((resolve) => {
        const timer = setTimeout(resolve, opts.config.redis?.connectTimeoutMs ?? 1_000);
        redis.once("ready", () => {
          clearTimeout(timer);
          resolve();
        });
      });
    }
  },
  { name: "redis" },
);

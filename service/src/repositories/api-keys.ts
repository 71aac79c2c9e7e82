import { randomUUID } from "node:crypto";
import fp from "fastify-plugin";
import { generateApiKey, hashApiKey } from "../auth/api-key-secret";
import { perTurnBatch } from "../batching/per-turn";
import { type Role } from "../auth/roles";
import { type Database } from "../db/database";
import { DependencyUnavailableError } from "../errors";
import { type Cache } from "../plugins/redis";
import { type ApiKey, type CreatedApiKey } from "../schemas/api-types";

interface ApiKeyRow {
  id: string;
  name: string;
  role: Role;
  key_prefix: string;
  created_by: string;
  created_at: Date;
  revoked_at: Date | null;
}

const toRecord = (row: ApiKeyRow): ApiKey => ({
  id: row.id,
  name: row.name,
  role: row.role,
  prefix: row.key_prefix,
  createdBy: row.created_by,
  createdAt: row.created_at.toISOString(),
  revokedAt: row.revoked_at?.toISOString() ?? null,
});

interface ActiveKey {
  id: string;
  name: string;
  role: Role;
}

/** Key lookups of one event-loop turn, answered with a single `= ANY($1)` query (keys by their hash, in hex). */
function keyLookups(db: Database): (hashHex: string) => Promise<ActiveKey | undefined> {
  return perTurnBatch(async (hashes) => {
    const { rows } = await db.query<ActiveKey & { key_hash: Buffer }>({
      name: "api-keys-by-hash",
      text: "SELECT id, name, role, key_hash FROM api_keys WHERE key_hash = ANY($1::bytea[]) AND revoked_at IS NULL",
      values: [hashes.map((hex) => Buffer.from(hex, "hex"))],
    });
    const found = new Map(rows.map((r) => [r.key_hash.toString("hex"), { id: r.id, name: r.name, role: r.role }]));
    return (hex) => found.get(hex);
  });
}

/**
 * Keys PostgreSQL just said are unknown or revoked, remembered briefly so a client repeating a bad key costs
 * no query. Only refusals are cached: a revocation still takes effect on the very next request, and a key
 * created later cannot be in here (its 256 random bits were never seen before).
 */
class UnknownKeys {
  private readonly until = new Map<string, number>();

  constructor(
    private readonly ttlMs = 10_000,
    private readonly capacity = 10_000,
  ) {}

  has(id: string, now = Date.now()): boolean {
    const until = this.until.get(id);
    if (until === undefined) return false;
    if (until > now) return true;
    this.until.delete(id);
    return false;
  }

  add(id: string, now = Date.now()): void {
    // A flood of distinct random keys must not grow memory: start over rather than track each.
    if (this.until.size >= this.capacity) this.until.clear();
    this.until.set(id, now + this.ttlMs);
  }
}

/**
 * The Redis key whose value stands for "no key revoked since": a random value, deleted by every revocation after
 * its commit (as a "current" answer is invalidated) and replaced by the next lookup that finds it missing.
 */
export const KEYS_STAMP = "api-keys:stamp";
const STAMP_TTL_SECONDS = 86_400;
/**
 * The longest a key confirmed by PostgreSQL is trusted without asking it again, whatever Redis says: it bounds
 * what a revocation Redis never heard of can cost (the revoking instance could not reach Redis, or someone
 * revoked in SQL), and an old stamp coming back with a Redis restored from a backup.
 */
export const CONFIRMED_KEY_MAX_AGE_MS = 30_000;

interface Confirmed {
  key: ActiveKey;
  stamp: Buffer;
  until: number;
}

/** Keys PostgreSQL said are active, each with the stamp read before that lookup. */
class ConfirmedKeys {
  private readonly entries = new Map<string, Confirmed>();

  constructor(private readonly capacity = 10_000) {}

  get(id: string, stamp: Buffer, now: number): ActiveKey | undefined {
    const entry = this.entries.get(id);
    return entry && entry.until > now && entry.stamp.equals(stamp) ? entry.key : undefined;
  }

  set(id: string, entry: Confirmed): void {
    if (this.entries.size >= this.capacity) this.entries.clear();
    this.entries.set(id, entry);
  }
}

export function createApiKeysRepository(db: Database, options: { cache?: Cache; now?: () => number } = {}) {
  const { cache, now = Date.now } = options;
  const lookup = keyLookups(db);
  const unknown = new UnknownKeys();
  const confirmed = new ConfirmedKeys();
  let stamping: Promise<void> | undefined;
  // Only after a read that saw no stamp, and only if nothing was revoked since that read (the generation).
  const startStamp = (generation: string) => {
    stamping ??= cache!.fill(KEYS_STAMP, generation, randomUUID(), STAMP_TTL_SECONDS).finally(() => (stamping = undefined));
  };
  return {
    /** Returns the only copy of the secret; the database keeps its hash. */
    async create(input: { name: string; role: Role; createdBy: string }): Promise<CreatedApiKey> {
      const { key, hash, prefix } = generateApiKey();
      const { rows } = await db.query<ApiKeyRow>(
        `INSERT INTO api_keys (name, role, key_hash, key_prefix, created_by) VALUES ($1, $2, $3, $4, $5)
         RETURNING id, name, role, key_prefix, created_by, created_at, revoked_at`,
        [input.name, input.role, hash, prefix, input.createdBy],
      );
      return { ...toRecord(rows[0]!), key };
    },

    async list(): Promise<ApiKey[]> {
      const { rows } = await db.query<ApiKeyRow>(
        "SELECT id, name, role, key_prefix, created_by, created_at, revoked_at FROM api_keys ORDER BY created_at DESC, id DESC",
      );
      return rows.map(toRecord);
    },

    /**
     * True when the key exists (revoking twice is not an error, and tells Redis again). 503 when Redis could not be
     * told: this instance refuses the key at once and tells Redis as soon as it answers, but until then another
     * instance may accept it for up to CONFIRMED_KEY_MAX_AGE_MS.
     */
    async revoke(id: string): Promise<boolean> {
      const { rowCount } = await db.query("UPDATE api_keys SET revoked_at = COALESCE(revoked_at, now()) WHERE id = $1", [id]);
      if ((rowCount ?? 0) === 0) return false;
      // After the commit, never before: a lookup between the two would confirm the key again under a new stamp.
      if (cache && !(await cache.invalidate(KEYS_STAMP))) {
        throw new DependencyUnavailableError(
          `the key is revoked, but Redis could not be told: other instances may accept it for up to ${CONFIRMED_KEY_MAX_AGE_MS / 1000} s; ` +
            "revoke it again to confirm once Redis answers",
        );
      }
      return true;
    },

    /**
     * A key PostgreSQL confirmed under the stamp Redis holds now is not asked again (for at most
     * CONFIRMED_KEY_MAX_AGE_MS); otherwise PostgreSQL is, and lookups arriving in the same event-loop turn share
     * one query. The stamp is read after the request arrived and before PostgreSQL, and every revocation deletes it
     * after its commit, so a revoked key is refused on its very next use on every instance. Without Redis (none,
     * down, bypassed, or a stamp change of ours still unsent) every request asks PostgreSQL. Refusals are
     * remembered briefly.
     */
    async findActive(key: string): Promise<ActiveKey | undefined> {
      const id = hashApiKey(key);
      if (unknown.has(id)) return undefined;
      const read = cache && (await cache.read(KEYS_STAMP));
      const stamp = read?.value?.length ? read.value : undefined;
      if (stamp) {
        const known = confirmed.get(id, stamp, now());
        if (known) return known;
      }
      const found = await lookup(id);
      if (!found) unknown.add(id);
      // A copy: the answer may be a slice of a larger buffer, which the entry would otherwise keep alive.
      else if (stamp) confirmed.set(id, { key: found, stamp: Buffer.from(stamp), until: now() + CONFIRMED_KEY_MAX_AGE_MS });
      else if (read) startStamp(read.generation);
      return found;
    },
  };
}

export type ApiKeysRepository = ReturnType<typeof createApiKeysRepository>;

declare module "fastify" {
  interface FastifyInstance {
    apiKeys: ApiKeysRepository;
  }
}

export default fp(
  (app, _opts, done) => {
    app.decorate("apiKeys", createApiKeysRepository(app.db, { cache: app.cache }));
    done();
  },
  { name: "api-keys-repository", dependencies: ["postgres", "redis"] },
);

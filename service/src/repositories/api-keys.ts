import fp from "fastify-plugin";
import { generateApiKey, hashApiKey } from "../auth/api-key-secret";
import { perTurnBatch } from "../batching/per-turn";
import { type Role } from "../auth/roles";
import { type Database } from "../db/database";
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

export function createApiKeysRepository(db: Database) {
  const lookup = keyLookups(db);
  const unknown = new UnknownKeys();
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

    /** True when the key exists (revoking twice is not an error). */
    async revoke(id: string): Promise<boolean> {
      const { rowCount } = await db.query("UPDATE api_keys SET revoked_at = COALESCE(revoked_at, now()) WHERE id = $1", [id]);
      return (rowCount ?? 0) > 0;
    },

    /**
     * Checked against PostgreSQL on every request, never cached (only refusals are, briefly): a revoked key
     * is refused on its very next use on every instance. Lookups arriving in the same event-loop turn share one query (each is still
     * issued after its request arrived, so it sees every revocation committed before that).
     */
    async findActive(key: string): Promise<ActiveKey | undefined> {
      const hash = hashApiKey(key);
      const id = hash.toString("hex");
      if (unknown.has(id)) return undefined;
      const found = await lookup(id);
      if (!found) unknown.add(id);
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
    app.decorate("apiKeys", createApiKeysRepository(app.db));
    done();
  },
  { name: "api-keys-repository", dependencies: ["postgres"] },
);

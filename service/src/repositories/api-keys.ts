import fp from "fastify-plugin";
import { generateApiKey, hashApiKey } from "../auth/api-key-secret";
import { type Role } from "../auth/roles";
import { type Database } from "../db/database";

export interface ApiKeyRecord {
  id: string;
  name: string;
  role: Role;
  prefix: string;
  createdBy: string;
  createdAt: string;
  revokedAt: string | null;
}

interface ApiKeyRow {
  id: string;
  name: string;
  role: Role;
  key_prefix: string;
  created_by: string;
  created_at: Date;
  revoked_at: Date | null;
}

const toRecord = (row: ApiKeyRow): ApiKeyRecord => ({
  id: row.id,
  name: row.name,
  role: row.role,
  prefix: row.key_prefix,
  createdBy: row.created_by,
  createdAt: row.created_at.toISOString(),
  revokedAt: row.revoked_at?.toISOString() ?? null,
});

export function createApiKeysRepository(db: Database) {
  return {
    /** Returns the only copy of the secret; the database keeps its hash. */
    async create(input: { name: string; role: Role; createdBy: string }): Promise<ApiKeyRecord & { key: string }> {
      const { key, hash, prefix } = generateApiKey();
      const { rows } = await db.query<ApiKeyRow>(
        `INSERT INTO api_keys (name, role, key_hash, key_prefix, created_by) VALUES ($1, $2, $3, $4, $5)
         RETURNING id, name, role, key_prefix, created_by, created_at, revoked_at`,
        [input.name, input.role, hash, prefix, input.createdBy],
      );
      return { ...toRecord(rows[0]!), key };
    },

    async list(): Promise<ApiKeyRecord[]> {
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
     * Checked against PostgreSQL on every request, never cached: a revoked key is refused on its very next
     * use on every instance. It is one primary-key-sized index lookup through a prepared statement.
     */
    async findActive(key: string): Promise<{ id: string; name: string; role: Role } | undefined> {
      const { rows } = await db.query<{ id: string; name: string; role: Role }>({
        name: "api-key-by-hash",
        text: "SELECT id, name, role FROM api_keys WHERE key_hash = $1 AND revoked_at IS NULL",
        values: [hashApiKey(key)],
      });
      return rows[0];
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

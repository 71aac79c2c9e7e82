import { Pool, type PoolClient, type QueryConfig, type QueryResult, type QueryResultRow } from "pg";
import { type DatabaseConfig } from "../config";
import { DependencyUnavailableError } from "../errors";
import { toAvailabilityError } from "./errors";

export function createPool(config: DatabaseConfig, applicationName: string, max = config.poolMax): Pool {
  return new Pool({
    ...config.connection,
    max,
    application_name: applicationName,
    // Waiting for a free connection or a TCP connect both count: a dead database fails fast with 503.
    connectionTimeoutMillis: config.connectTimeoutMs,
    idleTimeoutMillis: 30_000,
    keepAlive: true,
    statement_timeout: config.statementTimeoutMs,
    // The server-side timeout cannot fire if the network is gone; the client-side one still does.
    query_timeout: config.statementTimeoutMs + 1_000,
  });
}

/** Refuse at once, rather than queue, beyond this many callers waiting for a connection. */
export interface LoadShedding {
  readonly maxWaiting: number;
  /** The 503's message. */
  readonly message: string;
}

/** The pool behind one narrow door that turns availability failures into 503s. */
export class Database {
  /**
   * `shedding`: refuse at once beyond a short queue. `credentials`: told of failures; a rejected password (28P01) is
   * re-read and the query tried once more.
   */
  constructor(
    readonly pool: Pool,
    private readonly options: { shedding?: LoadShedding; credentials?: { rejected(error: unknown): boolean } } = {},
  ) {}

  async query<R extends QueryResultRow>(query: QueryConfig | string, values?: unknown[]): Promise<QueryResult<R>> {
    const { shedding, credentials } = this.options;
    if (shedding && this.pool.waitingCount >= shedding.maxWaiting) throw new DependencyUnavailableError(shedding.message);
    const run = () => (typeof query === "string" ? this.pool.query<R>(query, values) : this.pool.query<R>(query));
    try {
      return await run();
    } catch (error) {
      if (!credentials?.rejected(error)) throw toAvailabilityError(error);
    }
    try {
      return await run();
    } catch (error) {
      throw toAvailabilityError(error);
    }
  }

  async transaction<T>(work: (client: PoolClient) => Promise<T>): Promise<T> {
    let client: PoolClient;
    try {
      client = await this.pool.connect().catch((error: unknown) => {
        if (this.options.credentials?.rejected(error)) return this.pool.connect();
        throw error;
      });
    } catch (error) {
      throw toAvailabilityError(error);
    }
    let broken = false;
    try {
      await client.query("BEGIN");
      const result = await work(client);
      await client.query("COMMIT");
      return result;
    } catch (error) {
      try {
        await client.query("ROLLBACK");
      } catch {
        broken = true;
      }
      throw toAvailabilityError(error);
    } finally {
      // A connection whose ROLLBACK failed is in an unknown state: discard it rather than reuse it.
      client.release(broken);
    }
  }
}

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
  constructor(
    readonly pool: Pool,
    private readonly shedding?: LoadShedding,
  ) {}

  async query<R extends QueryResultRow>(query: QueryConfig | string, values?: unknown[]): Promise<QueryResult<R>> {
    if (this.shedding && this.pool.waitingCount >= this.shedding.maxWaiting) throw new DependencyUnavailableError(this.shedding.message);
    try {
      return typeof query === "string" ? await this.pool.query<R>(query, values) : await this.pool.query<R>(query);
    } catch (error) {
      throw toAvailabilityError(error);
    }
  }

  async transaction<T>(work: (client: PoolClient) => Promise<T>): Promise<T> {
    let client: PoolClient;
    try {
      client = await this.pool.connect();
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

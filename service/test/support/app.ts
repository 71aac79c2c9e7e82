import { type InjectOptions, type LightMyRequestResponse } from "fastify";
import { buildApp } from "../../src/app";
import { loadConfig } from "../../src/config";
import { createApiKeysRepository } from "../../src/repositories/api-keys";
import { Database } from "../../src/db/database";
import { Pool } from "pg";
import { type Role } from "../../src/auth/roles";
import { Metrics } from "../../src/observability/metrics";

export async function testApp(env: Record<string, string | undefined>) {
  const lines: string[] = [];
  const metrics = new Metrics(env.PLATFORM_ENVIRONMENT ?? "test", (line) => lines.push(line));
  const logs: string[] = [];
  const config = loadConfig({ LOG_LEVEL: "silent", RATE_LIMIT_PER_MINUTE: "0", AUTH_FAILURES_PER_MINUTE: "0", ...env });
  const app = await buildApp({ config, metrics, logStream: { write: (line) => logs.push(line) } });
  return { app, config, metrics, emitted: lines, logs };
}

/** Creates a key straight in the database, as the admin command does. */
export async function createKey(databaseUrl: string, role: Role, name = `${role}-key`): Promise<{ id: string; key: string }> {
  const pool = new Pool({ connectionString: databaseUrl, max: 1 });
  try {
    const created = await createApiKeysRepository(new Database(pool)).create({ name, role, createdBy: "test" });
    return { id: created.id, key: created.key };
  } finally {
    await pool.end();
  }
}

/** What the acceptance contract reads from a response, whichever entry point produced it. */
export type LedgerResponse = Pick<LightMyRequestResponse, "statusCode" | "headers" | "body" | "json">;

/** One running instance of the service as the contract sees it (test/contract/release-ledger.ts). */
export interface LedgerInstance {
  inject(options: InjectOptions): Promise<LedgerResponse>;
  /** Log lines and EMF documents it wrote, and the metrics it aggregates. */
  readonly logs: string[];
  readonly emitted: string[];
  readonly metrics: Metrics;
  close(): Promise<void>;
}

/** The contract through Fastify's `inject`, as server.ts's app would answer. */
export async function injectedInstance(env: Record<string, string>): Promise<LedgerInstance> {
  const { app, metrics, emitted, logs } = await testApp(env);
  return { inject: (options) => app.inject(options), logs, emitted, metrics, close: () => app.close() };
}

export function call(app: Pick<LedgerInstance, "inject">, key: string | undefined, options: InjectOptions): Promise<LedgerResponse> {
  return app.inject({ ...options, headers: { ...(key ? { authorization: `Bearer ${key}` } : {}), ...options.headers } });
}

export const digest = (n: number) => `sha256:${n.toString(16).padStart(64, "0")}`;
export const sha = (n: number) => n.toString(16).padStart(40, "0");

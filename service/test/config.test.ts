import { describe, expect, it } from "vitest";
import { ConfigError, loadConfig } from "../src/config";
import { parseCreateKey } from "../src/commands/admin";
import { latencyBucket } from "../src/observability/metrics";

describe("loadConfig", () => {
  it("applies defaults with a DATABASE_URL and no Redis", () => {
    const config = loadConfig({ DATABASE_URL: "postgres://u:secret@db:5432/ledger" });
    expect(config).toMatchObject({ port: 8080, host: "0.0.0.0", logLevel: "info", rateLimitPerMinute: 600, shutdownTimeoutMs: 20_000, environment: "local" });
    expect(config.redis).toBeUndefined();
    expect(config.oidc).toBeUndefined();
    expect(config.database.description).not.toContain("secret");
    expect(config.trustProxy).toBe(false);
    expect(loadConfig({ DATABASE_URL: "postgres://db/x", TRUST_PROXY: "2" }).trustProxy).toBe(2);
    expect(loadConfig({ DATABASE_URL: "postgres://db/x", TRUST_PROXY: "true" }).trustProxy).toBe(true);
  });

  it("reads the PG* and REDIS_* variables the compute layer sets", () => {
    const config = loadConfig({
      PGHOST: "db.internal",
      PGPORT: "5433",
      PGDATABASE: "ledger",
      PGUSER: "app",
      PGPASSWORD: "pw",
      PGSSLMODE: "verify-full",
      REDIS_HOST: "cache.internal",
      REDIS_PORT: "6380",
      REDIS_TLS: "true",
      REDIS_AUTH_TOKEN: "token",
      OIDC_ISSUER: "https://id.example.com",
      OIDC_AUDIENCE: "ledger",
      OIDC_ROLES_CLAIM: "groups",
      PLATFORM_ENVIRONMENT: "prod",
    });
    expect(config.database.connection).toMatchObject({
      host: "db.internal",
      port: 5433,
      database: "ledger",
      user: "app",
      password: "pw",
      ssl: { rejectUnauthorized: true },
    });
    expect(config.redis).toMatchObject({ host: "cache.internal", port: 6380, tls: true, password: "token" });
    expect(config.oidc).toEqual({ issuer: "https://id.example.com", audience: "ledger", rolesClaim: "groups" });
    expect(config.environment).toBe("prod");
  });

  it("names every bad variable and how to fix it, in one error", () => {
    let error: unknown;
    try {
      loadConfig({ PORT: "http", LOG_LEVEL: "loud", RATE_LIMIT_PER_MINUTE: "-1", OIDC_ISSUER: "https://id.example.com", REDIS_URL: "http://x" });
    } catch (e) {
      error = e;
    }
    expect(error).toBeInstanceOf(ConfigError);
    const message = (error as Error).message;
    expect(message).toMatch(/PORT="http" is not valid: expected a whole number from 0 to 65535/);
    expect(message).toMatch(/LOG_LEVEL="loud"/);
    expect(message).toMatch(/RATE_LIMIT_PER_MINUTE/);
    expect(message).toMatch(/no database configured: set DATABASE_URL/);
    expect(message).toMatch(/OIDC_AUDIENCE is required when OIDC_ISSUER is set/);
    expect(message).toMatch(/REDIS_URL must use redis: or rediss:/);
  });

  it("refuses a request timeout that would outlive the shutdown window", () => {
    expect(() => loadConfig({ DATABASE_URL: "postgres://db/x", REQUEST_TIMEOUT_MS: "30000", SHUTDOWN_TIMEOUT_MS: "20000" })).toThrow(/REQUEST_TIMEOUT_MS/);
  });
});

describe("admin create-key arguments", () => {
  it("accepts a name and a role, and explains anything else", () => {
    expect(parseCreateKey(["create-key", "--name", "ci", "--role", "deployer"])).toEqual({ name: "ci", role: "deployer" });
    expect(() => parseCreateKey(["create-key", "--name", "ci", "--role", "root"])).toThrow(/--role must be one of viewer, deployer, admin/);
    expect(() => parseCreateKey(["create-key", "--role", "admin"])).toThrow(/--name is required/);
    expect(() => parseCreateKey(["delete-key"])).toThrow(/unknown command "delete-key"/);
  });
});

describe("latency buckets", () => {
  it("keep about 5 % precision and few distinct values", () => {
    expect(latencyBucket(0.43)).toBe(0.4);
    expect(latencyBucket(7.4)).toBe(7);
    expect(latencyBucket(123)).toBe(100);
    expect(latencyBucket(178)).toBe(200);
    const distinct = new Set(Array.from({ length: 15_000 }, (_, i) => latencyBucket(i / 1.5)));
    expect(distinct.size).toBeLessThanOrEqual(100);
  });
});

describe("the migration's own host (Lambda: PGHOST is RDS Proxy, which admits IAM tokens only)", () => {
  it("connects the migration to MIGRATION_PGHOST when set, to PGHOST otherwise", () => {
    const base = { PGHOST: "proxy.example", PGUSER: "ledger_app", MIGRATION_PGUSER: "admin", MIGRATION_PGPASSWORD: "pw" };
    expect(loadConfig({ ...base, MIGRATION_PGHOST: "db.example" }).database.migration).toEqual({ user: "admin", password: "pw", host: "db.example" });
    expect(loadConfig(base).database.migration).toEqual({ user: "admin", password: "pw" });
  });
});

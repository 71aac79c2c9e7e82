import { type ConnectionOptions } from "node:tls";
import { type PoolConfig } from "pg";
import { type IamAuthTarget } from "./db/iam-auth";

export const LOG_LEVELS = ["fatal", "error", "warn", "info", "debug", "trace", "silent"] as const;
export type LogLevel = (typeof LOG_LEVELS)[number];

export interface DatabaseConfig {
  /** Connection settings handed to pg (a URL or discrete PG* values). */
  readonly connection: Pick<PoolConfig, "connectionString" | "host" | "port" | "database" | "user" | "password" | "ssl">;
  /** Safe to log: the URL or host without any password. */
  readonly description: string;
  readonly poolMax: number;
  /** Connections for expensive reports (DORA), apart from poolMax so they can never take the others. */
  readonly reportPoolMax: number;
  readonly statementTimeoutMs: number;
  readonly connectTimeoutMs: number;
  /**
   * PGAUTH_ARN: the Secrets Manager secret the password comes from. The pool re-reads it when PostgreSQL
   * rejects the password (28P01), so a rotation never needs a new task. Unset: the password is static.
   */
  readonly passwordSecretArn?: string;
  /**
   * MIGRATION_PGUSER / MIGRATION_PGPASSWORD: who runs the startup migration (the RDS master user, injected at
   * task start). It also creates the application user (PGUSER, with PGPASSWORD) if missing, with data rights
   * only. Unset: the migration runs as PGUSER. MIGRATION_PGHOST: where it connects, when not PGHOST (on Lambda,
   * PGHOST is RDS Proxy, which admits IAM tokens only, so the migration goes to the instance itself).
   */
  readonly migration?: { readonly user: string; readonly password: string; readonly host?: string };
  /**
   * DB_AUTH=iam: no password; each new connection signs an RDS IAM token for this target (src/db/iam-auth.ts).
   * Unset (DB_AUTH=password, the default): PGPASSWORD or the URL's password.
   */
  readonly iamAuth?: IamAuthTarget;
}

export interface RedisConfig {
  readonly url?: string;
  readonly host?: string;
  readonly port: number;
  readonly tls: boolean;
  readonly password?: string;
  readonly keyPrefix: string;
  readonly commandTimeoutMs: number;
  readonly connectTimeoutMs: number;
  /** A Redis call slower than this counts as failed for the circuit breaker. */
  readonly slowMs: number;
  /** How long the cache is bypassed once the breaker opens. */
  readonly breakerCooldownMs: number;
  /** Safe to log. */
  readonly description: string;
}

export interface OidcConfig {
  readonly issuer: string;
  readonly audience: string;
  readonly rolesClaim: string;
  /** Explicit JWKS URL; otherwise discovered from the issuer's openid-configuration. */
  readonly jwksUrl?: string;
}

/** How the web page signs people in (authorization code + PKCE, a public client). */
export interface WebSignInConfig {
  /** The page's public client id at the issuer; undefined: the page explains how to configure sign-in. */
  readonly clientId?: string;
  readonly scopes: string;
  /** A local, development-only identity provider (`dev`); never allowed in production. */
  readonly devSignIn: boolean;
}

/** The scheduled DORA snapshot (src/dora/snapshot.ts) and how the API uses it. */
export interface DoraSnapshotConfig {
  /** DORA_SNAPSHOT_MAX_AGE_SECONDS: the API serves a snapshot younger than this, else answers live; 0: always live. */
  readonly maxAgeSeconds: number;
  /** DORA_SNAPSHOT_WINDOWS: the windows (days) the job computes; other windows are answered live. */
  readonly windows: readonly number[];
  /** DORA_SNAPSHOT_STATEMENT_TIMEOUT_MS: the job's own statement timeout (it reads whole windows). */
  readonly statementTimeoutMs: number;
}

/** The windows people ask for (the web page offers 30 and 90 days; 30 is the API's default). */
export const DEFAULT_DORA_WINDOWS = [1, 7, 14, 30, 60, 90, 180, 365] as const;

export interface Config {
  readonly port: number;
  readonly host: string;
  readonly logLevel: LogLevel;
  readonly environment: string;
  readonly database: DatabaseConfig;
  /** Undefined: run without a cache (every read goes to PostgreSQL). */
  readonly redis?: RedisConfig;
  /** Undefined: API keys only. */
  readonly oidc?: OidcConfig;
  /** Requests per principal per minute; 0 disables the limit. */
  readonly rateLimitPerMinute: number;
  /** Failed authentications per client address per minute before it is refused unchecked; 0 disables. */
  readonly authFailuresPerMinute: number;
  readonly shutdownTimeoutMs: number;
  readonly requestTimeoutMs: number;
  readonly cacheTtlSeconds: number;
  readonly metricsFlushIntervalMs: number;
  /** false, true (trust every X-Forwarded-For entry), or how many proxies in front of us to trust. */
  readonly trustProxy: boolean | number;
  readonly web: WebSignInConfig;
  readonly doraSnapshot: DoraSnapshotConfig;
}

/** One message listing every bad variable, so an operator fixes them all in one go. */
export class ConfigError extends Error {
  constructor(readonly problems: readonly string[]) {
    super(`invalid service configuration:\n  - ${problems.join("\n  - ")}`);
    this.name = "ConfigError";
  }
}

type Env = Readonly<Record<string, string | undefined>>;

class Reader {
  readonly problems: string[] = [];
  constructor(private readonly env: Env) {}

  str(name: string): string | undefined {
    const value = this.env[name]?.trim();
    return value === undefined || value === "" ? undefined : value;
  }

  int(name: string, fallback: number, min: number, max: number): number {
    const raw = this.str(name);
    if (raw === undefined) return fallback;
    const value = Number(raw);
    if (!/^-?\d+$/.test(raw) || !Number.isSafeInteger(value) || value < min || value > max) {
      this.problems.push(`${name}=${JSON.stringify(raw)} is not valid: expected a whole number from ${min} to ${max}`);
      return fallback;
    }
    return value;
  }

  bool(name: string, fallback: boolean): boolean {
    const raw = this.str(name)?.toLowerCase();
    if (raw === undefined) return fallback;
    if (["true", "1", "yes"].includes(raw)) return true;
    if (["false", "0", "no"].includes(raw)) return false;
    this.problems.push(`${name}=${JSON.stringify(raw)} is not valid: expected true or false`);
    return fallback;
  }

  url(name: string, protocols: readonly string[]): URL | undefined {
    const raw = this.str(name);
    if (raw === undefined) return undefined;
    try {
      const url = new URL(raw);
      if (!protocols.includes(url.protocol)) {
        this.problems.push(`${name} must use ${protocols.join(" or ")} (got ${url.protocol})`);
        return undefined;
      }
      return url;
    } catch {
      this.problems.push(`${name} is not a valid URL`);
      return undefined;
    }
  }
}

function redactUrl(url: URL): string {
  const copy = new URL(url.href);
  if (copy.password) copy.password = "***";
  return copy.href;
}

const SSL_MODES = ["disable", "allow", "prefer", "require", "verify-ca", "verify-full"] as const;

function sslFor(mode: string | undefined, r: Reader): ConnectionOptions | false | undefined {
  if (mode === undefined) return undefined;
  if (!(SSL_MODES as readonly string[]).includes(mode)) {
    r.problems.push(`PGSSLMODE=${JSON.stringify(mode)} is not valid: expected one of ${SSL_MODES.join(", ")}`);
    return undefined;
  }
  if (mode === "disable") return false;
  // libpq's require/prefer encrypt without checking the certificate; verify-* check it against the
  // system store plus NODE_EXTRA_CA_CERTS (the image adds the RDS bundle there).
  if (mode === "verify-ca" || mode === "verify-full") return { rejectUnauthorized: true };
  return { rejectUnauthorized: false };
}

const DB_AUTH_MODES = ["password", "iam"] as const;
/** libpq modes that encrypt: RDS refuses IAM authentication on a plain connection. */
const TLS_MODES = ["require", "verify-ca", "verify-full"];

function readDatabase(r: Reader): DatabaseConfig {
  const auth = r.str("DB_AUTH") ?? "password";
  if (!(DB_AUTH_MODES as readonly string[]).includes(auth)) {
    r.problems.push(
      `DB_AUTH=${JSON.stringify(auth)} is not valid: expected password (PGPASSWORD or DATABASE_URL, the default) or iam (RDS IAM database authentication)`,
    );
  }
  const database = readDatabaseConnection(r);
  return auth === "iam" ? withIamAuth(database, r) : database;
}

/** DB_AUTH=iam: checks what IAM authentication cannot work with, and says what to change. */
function withIamAuth(database: DatabaseConfig, r: Reader): DatabaseConfig {
  const { host, port, user } = database.connection;
  if (r.str("DATABASE_URL") !== undefined) {
    r.problems.push("DB_AUTH=iam reads PGHOST, PGPORT, PGDATABASE and PGUSER: unset DATABASE_URL and set those");
    return database;
  }
  const region = r.str("AWS_REGION") ?? r.str("AWS_DEFAULT_REGION");
  if (region === undefined) r.problems.push("DB_AUTH=iam needs the database's region: set AWS_REGION (ECS and Lambda set it; EKS pods get it from the chart)");
  if (r.str("PGPASSWORD") !== undefined) r.problems.push("PGPASSWORD is set, but DB_AUTH=iam signs a token for each connection: unset PGPASSWORD");
  if (database.passwordSecretArn !== undefined) r.problems.push("PGAUTH_ARN is set, but DB_AUTH=iam has no password to re-read: unset PGAUTH_ARN");
  const sslMode = r.str("PGSSLMODE") ?? "verify-full";
  const encrypted = TLS_MODES.includes(sslMode);
  if (!encrypted) {
    r.problems.push(
      `PGSSLMODE=${JSON.stringify(sslMode)} cannot carry IAM authentication, which needs TLS: use verify-full (the default with DB_AUTH=iam), verify-ca or require`,
    );
  }
  if (!encrypted || typeof host !== "string" || typeof port !== "number" || typeof user !== "string" || region === undefined) return database;
  return {
    ...database,
    connection: { ...database.connection, password: undefined, ssl: sslFor(sslMode, r) },
    iamAuth: { hostname: host, port, username: user, region },
  };
}

function readDatabaseConnection(r: Reader): DatabaseConfig {
  const passwordSecretArn = r.str("PGAUTH_ARN");
  if (passwordSecretArn !== undefined && !/^arn:[^:]+:secretsmanager:[^:]+:\d{12}:secret:.+$/.test(passwordSecretArn)) {
    r.problems.push(
      `PGAUTH_ARN=${JSON.stringify(passwordSecretArn)} is not a Secrets Manager secret ARN (arn:aws:secretsmanager:<region>:<account>:secret:<name>)`,
    );
  }
  const common = {
    ...(passwordSecretArn === undefined ? {} : { passwordSecretArn }),
    poolMax: r.int("DB_POOL_MAX", 10, 1, 200),
    reportPoolMax: r.int("DB_REPORT_POOL_MAX", 2, 1, 50),
    statementTimeoutMs: r.int("DB_STATEMENT_TIMEOUT_MS", 5_000, 100, 600_000),
    connectTimeoutMs: r.int("DB_CONNECT_TIMEOUT_MS", 3_000, 100, 60_000),
  };
  const url = r.url("DATABASE_URL", ["postgres:", "postgresql:"]);
  if (url) return { connection: { connectionString: url.href }, description: redactUrl(url), ...common };
  if (r.str("DATABASE_URL") !== undefined) return { connection: {}, description: "invalid", ...common };
  const host = r.str("PGHOST");
  if (host === undefined) {
    r.problems.push(
      "no database configured: set DATABASE_URL (postgres://user:password@host:5432/db) or PGHOST with PGPORT, PGDATABASE, PGUSER, PGPASSWORD " +
        "(for local development, `pnpm --filter @platform/service dev` starts an embedded PostgreSQL)",
    );
    return { connection: {}, description: "none", ...common };
  }
  const port = r.int("PGPORT", 5432, 1, 65_535);
  const database = r.str("PGDATABASE") ?? "postgres";
  const user = r.str("PGUSER");
  if (user === undefined) r.problems.push("PGUSER is required when PGHOST is set");
  const migrationUser = r.str("MIGRATION_PGUSER");
  const migrationPassword = r.str("MIGRATION_PGPASSWORD");
  if ((migrationUser === undefined) !== (migrationPassword === undefined)) {
    r.problems.push("MIGRATION_PGUSER and MIGRATION_PGPASSWORD go together: set both (the migration's user) or neither");
  }
  const migrationHost = r.str("MIGRATION_PGHOST");
  return {
    ...(migrationUser !== undefined && migrationPassword !== undefined
      ? { migration: { user: migrationUser, password: migrationPassword, ...(migrationHost === undefined ? {} : { host: migrationHost }) } }
      : {}),
    connection: { host, port, database, user, password: r.str("PGPASSWORD"), ssl: sslFor(r.str("PGSSLMODE"), r) },
    description: `postgres://${user ?? "?"}@${host}:${port}/${database}`,
    ...common,
  };
}

function readRedis(r: Reader): RedisConfig | undefined {
  const common = {
    keyPrefix: r.str("REDIS_KEY_PREFIX") ?? "ledger:",
    commandTimeoutMs: r.int("REDIS_COMMAND_TIMEOUT_MS", 250, 10, 60_000),
    connectTimeoutMs: r.int("REDIS_CONNECT_TIMEOUT_MS", 2_000, 100, 60_000),
    slowMs: r.int("REDIS_SLOW_MS", 100, 1, 60_000),
    breakerCooldownMs: r.int("REDIS_BREAKER_COOLDOWN_MS", 10_000, 100, 600_000),
  };
  const url = r.url("REDIS_URL", ["redis:", "rediss:"]);
  if (url) return { url: url.href, port: Number(url.port || 6379), tls: url.protocol === "rediss:", description: redactUrl(url), ...common };
  const host = r.str("REDIS_HOST");
  if (host === undefined) return undefined;
  const port = r.int("REDIS_PORT", 6379, 1, 65_535);
  const tls = r.bool("REDIS_TLS", false);
  return { host, port, tls, password: r.str("REDIS_AUTH_TOKEN"), description: `${tls ? "rediss" : "redis"}://${host}:${port}`, ...common };
}

function readOidc(r: Reader): OidcConfig | undefined {
  const issuer = r.str("OIDC_ISSUER");
  if (issuer === undefined) return undefined;
  const issuerUrl = r.url("OIDC_ISSUER", ["https:", "http:"]);
  const audience = r.str("OIDC_AUDIENCE");
  if (audience === undefined) r.problems.push("OIDC_AUDIENCE is required when OIDC_ISSUER is set (the audience your tokens are issued for)");
  const jwks = r.url("OIDC_JWKS_URL", ["https:", "http:"]);
  if (!issuerUrl || audience === undefined) return undefined;
  return { issuer, audience, rolesClaim: r.str("OIDC_ROLES_CLAIM") ?? "roles", ...(jwks ? { jwksUrl: jwks.href } : {}) };
}

const LOOPBACK = new Set(["127.0.0.1", "localhost", "[::1]", "::1"]);

function isLoopback(url: string | undefined): boolean {
  if (url === undefined) return false;
  try {
    return LOOPBACK.has(new URL(url).hostname);
  } catch {
    return false;
  }
}

/**
 * DEV_SIGN_IN lets anyone pick any role, so it is refused unless every sign says "a laptop": not production, the
 * local environment, a loopback database and a loopback (or no) issuer.
 */
function readWebSignIn(r: Reader, env: Env, database: DatabaseConfig): WebSignInConfig {
  const devSignIn = r.bool("DEV_SIGN_IN", false);
  if (devSignIn) {
    const why: string[] = [];
    if (env.NODE_ENV === "production") why.push("NODE_ENV is production");
    if ((r.str("PLATFORM_ENVIRONMENT") ?? "local") !== "local") why.push(`PLATFORM_ENVIRONMENT is ${r.str("PLATFORM_ENVIRONMENT")}, not local`);
    const databaseHost = database.connection.connectionString ?? (database.connection.host ? `postgres://${database.connection.host}` : undefined);
    if (!isLoopback(databaseHost)) why.push("the database is not on this machine");
    const issuer = r.str("OIDC_ISSUER");
    if (issuer !== undefined && !isLoopback(issuer)) why.push("OIDC_ISSUER is not on this machine");
    if (why.length > 0) {
      r.problems.push(
        `DEV_SIGN_IN=true is only for local development (${why.join("; ")}): unset it and configure OIDC_ISSUER, OIDC_AUDIENCE and OIDC_WEB_CLIENT_ID`,
      );
    }
  }
  const clientId = r.str("OIDC_WEB_CLIENT_ID");
  return { ...(clientId ? { clientId } : {}), scopes: r.str("OIDC_WEB_SCOPES") ?? "openid profile email offline_access", devSignIn };
}

function readDoraSnapshot(r: Reader): DoraSnapshotConfig {
  const raw = r.str("DORA_SNAPSHOT_WINDOWS");
  let windows: readonly number[] = DEFAULT_DORA_WINDOWS;
  if (raw !== undefined) {
    const parts = raw.split(",").map((part) => part.trim());
    if (parts.every((part) => /^\d{1,3}$/.test(part) && Number(part) >= 1 && Number(part) <= 365)) {
      windows = Array.from(new Set(parts.map(Number))).sort((a, b) => a - b);
    } else {
      r.problems.push(`DORA_SNAPSHOT_WINDOWS=${JSON.stringify(raw)} is not valid: expected days from 1 to 365, comma-separated (e.g. 7,30,90)`);
    }
  }
  return {
    // A nightly job plus two hours for its retries: a night that fails falls back to live answers, not stale ones.
    maxAgeSeconds: r.int("DORA_SNAPSHOT_MAX_AGE_SECONDS", 26 * 3600, 0, 31 * 86_400),
    windows,
    statementTimeoutMs: r.int("DORA_SNAPSHOT_STATEMENT_TIMEOUT_MS", 240_000, 1_000, 3_600_000),
  };
}

/** Reads and checks every setting; throws one ConfigError naming each bad variable. */
export function loadConfig(env: Env = process.env): Config {
  const r = new Reader(env);
  const logLevel = (r.str("LOG_LEVEL") ?? "info").toLowerCase();
  if (!(LOG_LEVELS as readonly string[]).includes(logLevel)) {
    r.problems.push(`LOG_LEVEL=${JSON.stringify(logLevel)} is not valid: expected one of ${LOG_LEVELS.join(", ")}`);
  }
  const database = readDatabase(r);
  const config: Config = {
    port: r.int("PORT", 8080, 0, 65_535),
    host: r.str("HOST") ?? "0.0.0.0",
    logLevel: logLevel as LogLevel,
    environment: r.str("PLATFORM_ENVIRONMENT") ?? "local",
    database,
    redis: readRedis(r),
    oidc: readOidc(r),
    rateLimitPerMinute: r.int("RATE_LIMIT_PER_MINUTE", 600, 0, 100_000_000),
    authFailuresPerMinute: r.int("AUTH_FAILURES_PER_MINUTE", 60, 0, 100_000_000),
    shutdownTimeoutMs: r.int("SHUTDOWN_TIMEOUT_MS", 20_000, 1_000, 120_000),
    requestTimeoutMs: r.int("REQUEST_TIMEOUT_MS", 15_000, 1_000, 300_000),
    cacheTtlSeconds: r.int("CACHE_TTL_SECONDS", 300, 1, 86_400),
    metricsFlushIntervalMs: r.int("METRICS_FLUSH_INTERVAL_MS", 60_000, 1_000, 3_600_000),
    trustProxy: /^\d+$/.test(r.str("TRUST_PROXY") ?? "") ? r.int("TRUST_PROXY", 0, 0, 10) : r.bool("TRUST_PROXY", false),
    web: readWebSignIn(r, env, database),
    doraSnapshot: readDoraSnapshot(r),
  };
  if (config.requestTimeoutMs >= config.shutdownTimeoutMs) {
    r.problems.push(
      `REQUEST_TIMEOUT_MS (${config.requestTimeoutMs}) must be below SHUTDOWN_TIMEOUT_MS (${config.shutdownTimeoutMs}) so in-flight requests can finish during shutdown`,
    );
  }
  if (r.problems.length > 0) throw new ConfigError(r.problems);
  return config;
}

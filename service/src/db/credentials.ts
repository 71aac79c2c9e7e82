import { type DatabaseConfig } from "../config";
import { applicationConnection, type AuthTokenSource } from "./iam-auth";

/**
 * The application user's password, kept current while Secrets Manager rotates it. ECS injects PGPASSWORD only
 * when a task starts; after a rotation, new connections would fail (28P01) until the task is replaced. So the
 * pool asks this for the password of every new connection, and when PostgreSQL rejects it, this re-reads the
 * secret: AWSCURRENT, or AWSPENDING while a single-user rotation has already set the new password in
 * PostgreSQL (setSecret) but not yet made it current (finishSecret).
 */

export type SecretStage = "AWSCURRENT" | "AWSPENDING";

/** Reads the password held under a staging label; undefined when the secret has no such stage. */
export type ReadSecretPassword = (stage: SecretStage) => Promise<string | undefined>;

/** PostgreSQL's invalid_password. */
export const INVALID_PASSWORD = "28P01";

export class RotatingPassword {
  private value: string | undefined;
  private stale = false;
  private refreshing: Promise<string> | undefined;
  private lastRefresh = Number.NEGATIVE_INFINITY;
  private readonly minRefreshIntervalMs: number;

  constructor(
    initial: string | undefined,
    private readonly read: ReadSecretPassword,
    options: { readonly minRefreshIntervalMs?: number } = {},
  ) {
    this.value = initial;
    this.stale = initial === undefined;
    // A password that is simply wrong must not turn every request into a Secrets Manager call.
    this.minRefreshIntervalMs = options.minRefreshIntervalMs ?? 5_000;
  }

  /** The password for a new connection (pg calls this per connection). */
  password = (): Promise<string> => {
    if (!this.stale && this.value !== undefined) return Promise.resolve(this.value);
    this.refreshing ??= this.refresh().finally(() => (this.refreshing = undefined));
    return this.refreshing;
  };

  /**
   * Call with any database error; true when it was an authentication failure worth one retry. Connections
   * that failed together share one re-read: within minRefreshIntervalMs of the last one, the retry uses it.
   */
  rejected(error: unknown): boolean {
    const code = typeof error === "object" && error !== null && "code" in error ? error.code : undefined;
    if (code !== INVALID_PASSWORD) return false;
    if (this.refreshing === undefined && Date.now() - this.lastRefresh >= this.minRefreshIntervalMs) this.stale = true;
    return true;
  }

  private async refresh(): Promise<string> {
    const rejected = this.value;
    this.lastRefresh = Date.now();
    const current = await this.read("AWSCURRENT");
    const next = current !== undefined && current !== rejected ? current : ((await this.read("AWSPENDING")) ?? current);
    if (next === undefined) throw new Error("the database secret holds no password (AWSCURRENT is empty)");
    this.value = next;
    this.stale = false;
    return next;
  }
}

/** Secrets Manager, through the AWS SDK (loaded on first use): the `password` field of the secret's JSON. */
export function secretsManagerPassword(secretArn: string): ReadSecretPassword {
  let client: Promise<{ send: (stage: SecretStage) => Promise<string | undefined> }> | undefined;
  const load = async () => {
    const sm = await import("@aws-sdk/client-secrets-manager");
    const region = /^arn:[^:]+:secretsmanager:([^:]+):/.exec(secretArn)?.[1];
    const sdk = new sm.SecretsManagerClient(region ? { region } : {});
    return {
      send: async (stage: SecretStage) => {
        try {
          const { SecretString } = await sdk.send(new sm.GetSecretValueCommand({ SecretId: secretArn, VersionStage: stage }));
          return passwordOf(SecretString);
        } catch (error) {
          // A secret with no AWSPENDING version (no rotation under way) answers ResourceNotFoundException.
          if (stage === "AWSPENDING" && (error as { name?: string }).name === "ResourceNotFoundException") return undefined;
          throw error;
        }
      },
    };
  };
  return async (stage) => (await (client ??= load())).send(stage);
}

/** The password in an RDS-format secret ({"username", "password", ...}); undefined when absent. */
export function passwordOf(secretString: string | undefined): string | undefined {
  try {
    const parsed = JSON.parse(secretString ?? "") as { password?: unknown };
    return typeof parsed.password === "string" ? parsed.password : undefined;
  } catch {
    return undefined;
  }
}

/**
 * The application user's connection settings, the one way every pool and client of that user gets them: under
 * DB_AUTH=iam each new connection signs its own IAM token (`authToken` replaces the signer in tests); otherwise the
 * password is read through a RotatingPassword when PGAUTH_ARN names the secret (`source` replaces it in tests), or
 * used as configured.
 */
export function applicationLogin(
  database: DatabaseConfig,
  replacements: { readonly source?: RotatingPassword | undefined; readonly authToken?: AuthTokenSource | undefined } = {},
): { database: DatabaseConfig; rotating?: RotatingPassword } {
  if (database.iamAuth) return { database: { ...database, connection: applicationConnection(database, replacements.authToken) } };
  const initial = typeof database.connection.password === "string" ? database.connection.password : undefined;
  const rotating =
    replacements.source ??
    (database.passwordSecretArn === undefined ? undefined : new RotatingPassword(initial, secretsManagerPassword(database.passwordSecretArn)));
  if (!rotating) return { database };
  return { database: { ...database, connection: { ...database.connection, password: rotating.password } }, rotating };
}

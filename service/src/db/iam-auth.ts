/**
 * RDS IAM database authentication (DB_AUTH=iam): the password of each new connection is a token presigned with
 * the workload's own AWS credentials (ECS task role, EKS Pod Identity, Lambda execution role). RDS checks it only
 * when the connection opens and accepts it for 15 minutes, so pg asks for one per connection and nothing is kept.
 * The same contract serves RDS Proxy: sign for the proxy's endpoint.
 */
import type { SignerConfig } from "@aws-sdk/rds-signer";
import type { DatabaseConfig } from "../config";

/** What the token is signed for: it admits exactly this user on exactly this endpoint. */
export interface IamAuthTarget {
  readonly hostname: string;
  readonly port: number;
  readonly username: string;
  /** The database's region, part of the signature. */
  readonly region: string;
}

/** Hands out the password for one new connection. */
export type AuthTokenSource = () => Promise<string>;

export interface SignerOptions {
  /** Default: the SDK's provider chain (container credentials on ECS and EKS, the environment on Lambda). */
  readonly credentials?: SignerConfig["credentials"];
}

/** A token source for `target`; the SDK loads on first use, so password-mode processes never pay for it. */
export function rdsIamAuthToken(target: IamAuthTarget, options: SignerOptions = {}): AuthTokenSource {
  let signer: Promise<{ getAuthToken(): Promise<string> }> | undefined;
  const load = async () => {
    const { Signer } = await import("@aws-sdk/rds-signer");
    return new Signer({ ...target, ...(options.credentials ? { credentials: options.credentials } : {}) });
  };
  return async () => (await (signer ??= load())).getAuthToken();
}

/**
 * The settings pg connects with: under DB_AUTH=iam, `password` is a token signed for each new connection (by
 * `tokens`, default the SDK signer); otherwise the settings as configured. Every pool and client of the
 * application user goes through this, so none connects without its token.
 */
export function applicationConnection(database: Pick<DatabaseConfig, "connection" | "iamAuth">, tokens?: AuthTokenSource): DatabaseConfig["connection"] {
  if (!database.iamAuth) return database.connection;
  return { ...database.connection, password: tokens ?? rdsIamAuthToken(database.iamAuth) };
}

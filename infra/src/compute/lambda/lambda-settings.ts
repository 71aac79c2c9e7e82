import type { Environment } from "../../environment/environment";

/** The function's handler inside the archive `pnpm --filter @platform/service bundle:lambda api` writes. */
export const API_HANDLER = "dist/lambda/api.handler";
/** Where that command writes the archive, relative to the repository root. */
export const API_ARCHIVE_PATH = "service/dist/lambda/api.zip";
export const LAMBDA_RUNTIME = "nodejs24.x";
/** The alias API Gateway invokes; traffic moves between versions by moving it, never by editing $LATEST. */
export const LIVE_ALIAS = "live";
/** RDS Proxy connections are always to PostgreSQL's port, whatever the instance listens on. */
export const PROXY_PORT = 5432;
/** API Gateway HTTP APIs give up on an integration after 30 s. */
export const HTTP_API_MAX_INTEGRATION_TIMEOUT_MS = 30_000;

export function apiFunctionName(environmentName: string): string {
  return `${environmentName}-release-ledger-api`;
}

export interface AliasRouting {
  /** The version the alias sends its main share to. */
  readonly functionVersion: string;
  /** The canary's version and its share (0-1); absent when one version takes everything. */
  readonly additionalVersionWeights?: Readonly<Record<string, number>>;
}

/**
 * How the alias splits traffic. `live` is the version known good (stack config
 * platform-compute:lambdaLiveVersion) and `canary` the one on trial (platform-compute:lambdaCanaryVersion); devctl
 * sets both around an update and moves live once the canary's alarms stayed OK. Without a live version (a first
 * deploy, or a rolling environment) the version the update published takes everything.
 */
export function aliasRouting(args: {
  readonly published: string;
  readonly live?: string | undefined;
  readonly canary?: string | undefined;
  readonly deployment: Pick<Environment["deployment"], "strategy" | "canaryPercent" | "linearStepPercent">;
}): AliasRouting {
  const { published, live, canary, deployment } = args;
  for (const [key, value] of [
    ["lambdaLiveVersion", live],
    ["lambdaCanaryVersion", canary],
  ] as const) {
    if (value !== undefined && !/^\d+$/.test(value)) {
      throw new Error(
        `platform-compute:${key} "${value}" is not a published Lambda version number; devctl sets it (devctl outputs <env> --layer compute shows the versions), or unset it`,
      );
    }
  }
  const functionVersion = live ?? published;
  if (canary === undefined || canary === functionVersion || deployment.strategy === "rolling") return { functionVersion };
  const percent = deployment.strategy === "canary" ? deployment.canaryPercent : deployment.linearStepPercent;
  return { functionVersion, additionalVersionWeights: { [canary]: percent / 100 } };
}

/** Lambda reports CodeSha256 in base64; the ledger and devctl speak sha256:<hex>, as for image digests. */
export function codeDigestOf(codeSha256Base64: string): string {
  return `sha256:${Buffer.from(codeSha256Base64, "base64").toString("hex")}`;
}

export interface LambdaServiceEnvironmentInput {
  readonly environment: Environment;
  readonly database: { readonly proxyEndpoint: string; readonly name: string; readonly user: string };
  readonly redis: { readonly host: string; readonly port: number };
}

/**
 * The service's settings on Lambda: the same variables as the ECS task (the service's own contract), except
 * that PostgreSQL is reached through RDS Proxy with an IAM token (DB_AUTH=iam, the switch the ECS and EKS
 * platforms use) instead of a password, and that nothing listens on a port.
 */
export function lambdaServiceEnvironment(input: LambdaServiceEnvironmentInput): Record<string, string> {
  const { environment, database, redis } = input;
  return {
    NODE_ENV: "production",
    PLATFORM_ENVIRONMENT: environment.name,
    LOG_LEVEL: "info",
    PGHOST: database.proxyEndpoint,
    PGPORT: String(PROXY_PORT),
    PGDATABASE: database.name,
    PGUSER: database.user,
    // verify-full both ways: RDS Proxy's certificate is from Amazon's public CAs; the instance's own (the
    // migration's connection) from the RDS CA, which Lambda's Node.js runtimes since 20 load only from this file.
    PGSSLMODE: "verify-full",
    NODE_EXTRA_CA_CERTS: "/var/runtime/ca-cert.pem",
    DB_AUTH: "iam",
    // One request at a time per execution environment: more connections would only idle on the proxy.
    DB_POOL_MAX: "2",
    DB_REPORT_POOL_MAX: "1",
    REDIS_HOST: redis.host,
    REDIS_PORT: String(redis.port),
    REDIS_TLS: "true",
    // CloudFront and API Gateway are the two proxies in front, as CloudFront and the ALB are on ECS.
    TRUST_PROXY: "2",
    // Below the function's timeout, so a slow request ends as the app's 503, not as API Gateway's 504.
    REQUEST_TIMEOUT_MS: String(Math.max(1_000, environment.compute.lambda.timeoutSeconds * 1000 - 1_000)),
    SHUTDOWN_TIMEOUT_MS: String(environment.compute.lambda.timeoutSeconds * 1000),
    ...(environment.oidc.issuer
      ? { OIDC_ISSUER: environment.oidc.issuer, OIDC_AUDIENCE: environment.oidc.audience, OIDC_ROLES_CLAIM: environment.oidc.rolesClaim }
      : {}),
  };
}

/** One JSON line per request in the API's access log: enough to follow a request into the function's log. */
export const API_ACCESS_LOG_FORMAT = JSON.stringify({
  requestId: "$context.requestId",
  ip: "$context.identity.sourceIp",
  requestTime: "$context.requestTime",
  httpMethod: "$context.httpMethod",
  routeKey: "$context.routeKey",
  path: "$context.path",
  status: "$context.status",
  protocol: "$context.protocol",
  responseLength: "$context.responseLength",
  responseLatency: "$context.responseLatency",
  integrationLatency: "$context.integrationLatency",
  integrationStatus: "$context.integrationStatus",
  integrationError: "$context.integrationErrorMessage",
  functionError: "$context.integration.error",
});

import { stopTimeoutSeconds } from "./shutdown-timing";

/**
 * The service container as the service contract (service/ <-> compute) describes it, as a plain
 * ECS container definition. Pure: the component resolves its Outputs and passes plain values in.
 */
export interface ServiceContainerSpec {
  /** Container name; the load balancer and the ECS service refer to it. */
  readonly containerName: string;
  /** Image pinned by digest. */
  readonly image: string;
  readonly port: number;
  readonly environmentName: string;
  readonly shutdownTimeoutMs: number;
  readonly oidc: { readonly issuer: string; readonly audience: string; readonly rolesClaim: string };
  readonly database: {
    readonly host: string;
    readonly port: number;
    readonly name: string;
    /** The service's own login; it signs in with RDS IAM database authentication (no password). */
    readonly appUsername: string;
    /** The RDS-managed master secret: the startup migration only. */
    readonly masterSecretArn: string;
  };
  readonly redis: { readonly host: string; readonly port: number; readonly authSecretArn: string };
  readonly logGroupName: string;
  readonly region: string;
}

export interface KeyValue {
  readonly name: string;
  readonly value: string;
}
export interface SecretReference {
  readonly name: string;
  readonly valueFrom: string;
}

/** The ephemeral volume mounted at /tmp: the root filesystem is read-only. */
export const TMP_VOLUME_NAME = "tmp";
/** uid:gid of the image's non-root user (node). */
export const CONTAINER_USER = "1000:1000";
/** Variables that carry credentials: only ever ECS secrets, never plain environment. */
export const SECRET_VARIABLES = ["MIGRATION_PGUSER", "MIGRATION_PGPASSWORD", "REDIS_AUTH_TOKEN"] as const;
/** Names that look like credentials; a plain variable with such a name is refused. */
const CREDENTIAL_NAME = /PASSWORD|SECRET|TOKEN|CREDENTIAL|PRIVATE_KEY|^MIGRATION_PGUSER$/i;

/** Plain environment variables (contract table, kind "plain"). */
export function serviceEnvironment(spec: ServiceContainerSpec): KeyValue[] {
  const variables: KeyValue[] = [
    { name: "PORT", value: String(spec.port) },
    { name: "HOST", value: "0.0.0.0" },
    { name: "NODE_ENV", value: "production" },
    { name: "LOG_LEVEL", value: "info" },
    { name: "SHUTDOWN_TIMEOUT_MS", value: String(spec.shutdownTimeoutMs) },
    { name: "PLATFORM_ENVIRONMENT", value: spec.environmentName },
    { name: "PGHOST", value: spec.database.host },
    { name: "PGPORT", value: String(spec.database.port) },
    { name: "PGDATABASE", value: spec.database.name },
    { name: "PGSSLMODE", value: "verify-full" },
    // No password to hold or rotate: each new connection signs an IAM token with the workload's own role
    // (rds-db:connect on exactly this user), so PGUSER is a plain name, not a credential.
    { name: "DB_AUTH", value: "iam" },
    { name: "PGUSER", value: spec.database.appUsername },
    // The token's signing region; set here because EKS pods are not given it.
    { name: "AWS_REGION", value: spec.region },
    { name: "REDIS_HOST", value: spec.redis.host },
    { name: "REDIS_PORT", value: String(spec.redis.port) },
    { name: "REDIS_TLS", value: "true" },
    { name: "OIDC_ISSUER", value: spec.oidc.issuer },
    { name: "OIDC_AUDIENCE", value: spec.oidc.audience },
    { name: "OIDC_ROLES_CLAIM", value: spec.oidc.rolesClaim },
    // CloudFront appends the viewer's address to X-Forwarded-For, the ALB appends CloudFront's, and the ALB's
    // own is the socket's: trusting those two hops makes the viewer the client that AUTH_FAILURES_PER_MINUTE
    // counts. Unset, every caller shares the ALB's address, and one client's bad keys get everyone a 429.
    // More would let a viewer forge its address; the ALB only forwards requests that came through CloudFront.
    { name: "TRUST_PROXY", value: "2" },
  ];
  const leaked = variables.filter((v) => CREDENTIAL_NAME.test(v.name));
  if (leaked.length > 0) {
    throw new Error(`Credentials must come from ECS secrets, not plain environment: ${leaked.map((v) => v.name).join(", ")}.`);
  }
  return variables;
}

/**
 * ECS secrets: valueFrom ARNs resolved by the execution role at task start. The database secrets are
 * JSON, so their fields are addressed as <arn>:<json key>:: (version stage and id left at AWSCURRENT).
 * The master credentials serve only the startup migration, which runs right after they were injected: RDS
 * rotating them every 7 days cannot break a running task. The pool uses the application user, with IAM tokens.
 */
export function serviceSecrets(spec: ServiceContainerSpec): SecretReference[] {
  return [
    { name: "MIGRATION_PGUSER", valueFrom: `${spec.database.masterSecretArn}:username::` },
    { name: "MIGRATION_PGPASSWORD", valueFrom: `${spec.database.masterSecretArn}:password::` },
    { name: "REDIS_AUTH_TOKEN", valueFrom: spec.redis.authSecretArn },
  ];
}

/** The one container of the task definition. */
export function serviceContainerDefinition(spec: ServiceContainerSpec): Record<string, unknown> {
  if (!spec.image.includes("@sha256:")) {
    throw new Error(`Container image "${spec.image}" is not pinned by digest; deploy <repository>@sha256:<digest>.`);
  }
  return {
    name: spec.containerName,
    image: spec.image,
    essential: true,
    user: CONTAINER_USER,
    readonlyRootFilesystem: true,
    portMappings: [{ name: "http", containerPort: spec.port, hostPort: spec.port, protocol: "tcp", appProtocol: "http" }],
    environment: serviceEnvironment(spec),
    secrets: serviceSecrets(spec),
    mountPoints: [{ sourceVolume: TMP_VOLUME_NAME, containerPath: "/tmp", readOnly: false }],
    // The service drains on SIGTERM; this is when ECS gives up and sends SIGKILL.
    stopTimeout: stopTimeoutSeconds(spec.shutdownTimeoutMs),
    healthCheck: {
      command: ["CMD", "node", "dist/healthcheck.js"],
      interval: 15,
      timeout: 5,
      retries: 3,
      startPeriod: 30,
    },
    // tini as PID 1 reaps zombies and forwards SIGTERM to node.
    linuxParameters: { initProcessEnabled: true },
    logConfiguration: {
      logDriver: "awslogs",
      options: {
        "awslogs-group": spec.logGroupName,
        "awslogs-region": spec.region,
        "awslogs-stream-prefix": spec.containerName,
        // Logging never blocks a request; a full buffer drops lines instead of stalling the event loop.
        mode: "non-blocking",
        "max-buffer-size": "25m",
      },
    },
  };
}

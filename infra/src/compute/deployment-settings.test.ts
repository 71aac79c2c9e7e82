import { describe, expect, it } from "vitest";
import { serviceContainerDefinition, serviceEnvironment, serviceSecrets, SECRET_VARIABLES, type ServiceContainerSpec } from "./container-definition";
import { deploymentPlan } from "./deployment-plan";
import { ecrLifecyclePolicy } from "./container-image";
import { albLogBucketPolicy, databaseConnectPolicy, executionRolePolicy } from "./iam-policies";
import { serviceAlarmName, serviceAlarmThresholds } from "./service-alarms";
import { deregistrationDelaySeconds, stopTimeoutSeconds } from "./shutdown-timing";

const deployment = { strategy: "canary", canaryPercent: 10, linearStepPercent: 25, bakeMinutes: 15, alarm5xxRatePercent: 2, alarmP99LatencyMs: 800 } as const;

describe("deploymentPlan", () => {
  it("canary: two target groups, the percentage and bake times from the environment", () => {
    const plan = deploymentPlan({ name: "prod", isProduction: true, deployment });
    expect(plan.targetGroupCount).toBe(2);
    expect(plan.deploymentConfiguration).toEqual({
      strategy: "CANARY",
      bakeTimeInMinutes: "15",
      canaryConfiguration: { canaryPercent: 10, canaryBakeTimeInMinutes: "15" },
    });
  });
  it("linear: step percent and bake; refuses steps ECS does not accept", () => {
    const plan = deploymentPlan({ name: "prod", isProduction: true, deployment: { ...deployment, strategy: "linear" } });
    expect(plan.deploymentConfiguration.linearConfiguration).toEqual({ stepPercent: 25, stepBakeTimeInMinutes: "15" });
    expect(() => deploymentPlan({ name: "prod", isProduction: true, deployment: { ...deployment, strategy: "linear", linearStepPercent: 2 } })).toThrow(
      /linearStepPercent is 2 in prod; ECS linear deployments need 3-99/,
    );
  });
  it("rolling: one target group outside production, refused in production", () => {
    const rolling = { ...deployment, strategy: "rolling" } as const;
    expect(deploymentPlan({ name: "staging", isProduction: false, deployment: rolling })).toMatchObject({
      strategy: "ROLLING",
      targetGroupCount: 1,
      deploymentConfiguration: { strategy: "ROLLING" },
    });
    expect(() => deploymentPlan({ name: "prod", isProduction: true, deployment: rolling })).toThrow(/rolling.*production.*canary or linear/);
  });
});

describe("shutdown timings", () => {
  it("stop timeout is shutdown + 10 s and beats the shutdown; refuses what Fargate cannot do", () => {
    expect(stopTimeoutSeconds(20_000)).toBe(30);
    expect(stopTimeoutSeconds(20_500)).toBe(31);
    expect(stopTimeoutSeconds(110_000)).toBe(120);
    expect(() => stopTimeoutSeconds(111_000)).toThrow(/at most 120 s.*110000/);
    for (const ms of [1000, 5000, 20_000, 45_250, 110_000]) expect(stopTimeoutSeconds(ms) * 1000).toBeGreaterThan(ms);
  });
  it("deregistration delay is shutdown / 1000 + 5", () => {
    expect(deregistrationDelaySeconds(20_000)).toBe(25);
    expect(() => deregistrationDelaySeconds(0)).toThrow(/positive/);
  });
});

const spec: ServiceContainerSpec = {
  containerName: "service",
  image: `123456789012.dkr.ecr.eu-west-1.amazonaws.com/app@sha256:${"b".repeat(64)}`,
  port: 8080,
  environmentName: "staging",
  shutdownTimeoutMs: 20_000,
  oidc: { issuer: "", audience: "release-ledger", rolesClaim: "roles" },
  database: {
    host: "db.internal",
    port: 5432,
    name: "ledger",
    appUsername: "ledger_app",
    masterSecretArn: "arn:aws:secretsmanager:eu-west-1:1:secret:db",
  },
  redis: { host: "redis.internal", port: 6379, authSecretArn: "arn:aws:secretsmanager:eu-west-1:1:secret:redis" },
  logGroupName: "/platform/staging/release-ledger",
  region: "eu-west-1",
};

describe("service container definition", () => {
  it("follows the service contract: plain variables, secrets by reference", () => {
    const env = Object.fromEntries(serviceEnvironment(spec).map((v) => [v.name, v.value]));
    expect(env).toEqual({
      PORT: "8080",
      HOST: "0.0.0.0",
      NODE_ENV: "production",
      LOG_LEVEL: "info",
      SHUTDOWN_TIMEOUT_MS: "20000",
      PLATFORM_ENVIRONMENT: "staging",
      PGHOST: "db.internal",
      PGPORT: "5432",
      PGDATABASE: "ledger",
      PGSSLMODE: "verify-full",
      DB_AUTH: "iam",
      PGUSER: "ledger_app",
      AWS_REGION: "eu-west-1",
      REDIS_HOST: "redis.internal",
      REDIS_PORT: "6379",
      REDIS_TLS: "true",
      OIDC_ISSUER: "",
      OIDC_AUDIENCE: "release-ledger",
      OIDC_ROLES_CLAIM: "roles",
      TRUST_PROXY: "2",
    });
    expect(serviceSecrets(spec)).toEqual([
      { name: "MIGRATION_PGUSER", valueFrom: "arn:aws:secretsmanager:eu-west-1:1:secret:db:username::" },
      { name: "MIGRATION_PGPASSWORD", valueFrom: "arn:aws:secretsmanager:eu-west-1:1:secret:db:password::" },
      { name: "REDIS_AUTH_TOKEN", valueFrom: "arn:aws:secretsmanager:eu-west-1:1:secret:redis" },
    ]);
    for (const name of SECRET_VARIABLES) expect(env).not.toHaveProperty(name);
  });
  it("is hardened: read-only root, non-root user, /tmp volume, health check, stop timeout", () => {
    const def = serviceContainerDefinition(spec);
    expect(def).toMatchObject({
      readonlyRootFilesystem: true,
      user: "1000:1000",
      stopTimeout: 30,
      mountPoints: [{ sourceVolume: "tmp", containerPath: "/tmp", readOnly: false }],
      healthCheck: { command: ["CMD", "node", "dist/healthcheck.js"] },
      logConfiguration: { logDriver: "awslogs", options: { "awslogs-group": "/platform/staging/release-ledger", "awslogs-region": "eu-west-1" } },
    });
    expect(() => serviceContainerDefinition({ ...spec, image: "123456789012.dkr.ecr.eu-west-1.amazonaws.com/app:latest" })).toThrow(/not pinned by digest/);
  });
});

describe("policies", () => {
  it("execution role: exactly the given repositories, log group, secrets and key", () => {
    const doc = executionRolePolicy({ repositoryArns: ["arn:repo"], logGroupArn: "arn:lg", secretArns: ["arn:s1", "arn:s2"], kmsKeyArn: "arn:key" });
    const resources = doc.Statement.map((s) => s.Resource);
    expect(resources).toEqual(["*", ["arn:repo"], "arn:lg:*", ["arn:s1", "arn:s2"], "arn:key"]);
    expect(doc.Statement[0]).toMatchObject({ Action: "ecr:GetAuthorizationToken" });
    expect(JSON.stringify(doc)).not.toMatch(/"Action":"\*"|secretsmanager:\*|ecr:\*/);
  });
  it("database connect: rds-db:connect on exactly one user of one instance (by its resource id), never a wildcard", () => {
    const target = { partition: "aws", region: "eu-west-1", accountId: "123456789012", dbResourceId: "db-ABCDEFGHIJKLMNOPQRSTUVWXY0", username: "ledger_app" };
    expect(databaseConnectPolicy(target)).toEqual({
      Version: "2012-10-17",
      Statement: [
        {
          Sid: "ConnectAsApplicationUser",
          Effect: "Allow",
          Action: "rds-db:connect",
          Resource: "arn:aws:rds-db:eu-west-1:123456789012:dbuser:db-ABCDEFGHIJKLMNOPQRSTUVWXY0/ledger_app",
        },
      ],
    });
    // Through RDS Proxy (the Lambda platform): the proxy's resource id.
    expect(databaseConnectPolicy({ ...target, dbResourceId: "prx-ABCDEFGHIJKL01234" }).Statement[0]).toMatchObject({
      Resource: "arn:aws:rds-db:eu-west-1:123456789012:dbuser:prx-ABCDEFGHIJKL01234/ledger_app",
    });
    // The instance identifier is not what IAM matches: the grant would silently admit nobody.
    expect(() => databaseConnectPolicy({ ...target, dbResourceId: "ledger-prod" })).toThrow(
      /dbResourceId "ledger-prod" is not an RDS resource id \(db-… or, for RDS Proxy, prx-…\)/,
    );
    expect(() => databaseConnectPolicy({ ...target, dbResourceId: "*" })).toThrow(/dbResourceId/);
    expect(() => databaseConnectPolicy({ ...target, username: "*" })).toThrow(/username "\*" is not a PostgreSQL user name/);
    expect(() => databaseConnectPolicy({ ...target, accountId: "" })).toThrow(/accountId/);
  });
  it("ALB log bucket: the log delivery principal writes under the account prefix only; plain HTTP denied", () => {
    const doc = albLogBucketPolicy({ bucketArn: "arn:aws:s3:::logs", accountId: "123456789012", prefix: "alb" });
    expect(doc.Statement[0]).toMatchObject({
      Principal: { Service: "logdelivery.elasticloadbalancing.amazonaws.com" },
      Action: "s3:PutObject",
      Resource: "arn:aws:s3:::logs/alb/AWSLogs/123456789012/*",
    });
    expect(doc.Statement.at(-1)).toMatchObject({ Effect: "Deny", Condition: { Bool: { "aws:SecureTransport": "false" } } });
  });
  it("ECR lifecycle policy keeps the newest images and expires untagged ones", () => {
    const rules = JSON.parse(ecrLifecyclePolicy(100, 14)).rules;
    expect(rules.map((r: { selection: unknown }) => r.selection)).toEqual([
      { tagStatus: "untagged", countType: "sinceImagePushed", countUnit: "days", countNumber: 14 },
      { tagStatus: "any", countType: "imageCountMoreThan", countNumber: 100 },
    ]);
    expect(() => ecrLifecyclePolicy(0, 14)).toThrow(/keepImages/);
  });
});

describe("service alarms", () => {
  it("names carry the environment; thresholds come from the environment file in CloudWatch units", () => {
    expect(serviceAlarmName("prod", "service-5xx-rate")).toBe("prod-service-5xx-rate");
    expect(serviceAlarmThresholds({ deployment, service: { cpu: 1, memoryMb: 1, minTasks: 3, maxTasks: 12, port: 8080, shutdownTimeoutMs: 20_000 } })).toEqual({
      fiveXxRatePercent: 2,
      p99LatencySeconds: 0.8,
      minRunningTasks: 3,
    });
  });
});

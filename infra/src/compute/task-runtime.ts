import * as aws from "@pulumi/aws";
import * as pulumi from "@pulumi/pulumi";
import { serviceRole, type RoleAccount } from "../iam/service-role";
import { serviceContainerDefinition, TMP_VOLUME_NAME, type ServiceContainerSpec } from "./container-definition";
import type { CacheEndpoint, ServiceDatabaseEndpoint } from "./data-store-endpoints";
import { ecsTasksTrustPolicy, executionRolePolicy, taskRolePolicy } from "./iam-policies";

/** Size and shape of one task (environment.service). */
export interface TaskSize {
  /** Fargate CPU units (256-16384). */
  readonly cpu: number;
  /** Memory in MiB, one Fargate allows for cpu. */
  readonly memoryMb: number;
  /** Port the container listens on. */
  readonly port: number;
  /** The service's drain time (SHUTDOWN_TIMEOUT_MS); the container's stop timeout is derived from it. */
  readonly shutdownTimeoutMs: number;
}

export interface FargateTaskRuntimeArgs {
  /** Environment name: the task family `<environmentName>-<serviceName>` and the log group path. */
  readonly environmentName: string;
  /** Region of the tasks: the ECS trust guard, the log driver and the KMS via-service condition. */
  readonly region: string;
  /** Partition and account id the roles live in (trust guard and permissions boundary). */
  readonly account: pulumi.Input<{ readonly [K in keyof RoleAccount]: pulumi.Input<string> }>;
  /** ECS service name, used in the family and descriptions. */
  readonly serviceName: string;
  /** Container name the load balancer refers to. */
  readonly containerName: string;
  readonly size: TaskSize;
  /** How the service accepts people's logins (environment.oidc). */
  readonly oidc: ServiceContainerSpec["oidc"];
  /** Image to run, pinned by digest. */
  readonly imageRef: pulumi.Input<string>;
  /** ECR repositories the execution role may pull from (the image's). */
  readonly pullRepositoryArns: pulumi.Input<string[]>;
  /** Customer-managed key: log group encryption and the secrets' decryption. */
  readonly kmsKeyArn: pulumi.Input<string>;
  /** Days the service's log group keeps its events. */
  readonly logRetentionDays: number;
  readonly database: ServiceDatabaseEndpoint;
  readonly redis: CacheEndpoint;
  readonly tags?: Record<string, string>;
}

export interface FargateTaskRuntime {
  readonly logGroup: aws.cloudwatch.LogGroup;
  /** The ECS agent's role: image pull, logs, the referenced secrets. */
  readonly executionRole: aws.iam.Role;
  /** The service's own role: re-reads its database secret, nothing else. */
  readonly taskRole: aws.iam.Role;
  readonly taskDefinition: aws.ecs.TaskDefinition;
}

/**
 * What one Fargate task of the service runs with: its log group, the execution and task roles (each with the
 * least it needs) and the task definition with the one service container. A function, not a component: the
 * resources keep the caller's logical names (`${name}-logs`, `${name}-execution-role`, `${name}-task`, ...).
 */
export function fargateTaskRuntime(name: string, args: FargateTaskRuntimeArgs, parent: pulumi.Resource): FargateTaskRuntime {
  const opts = { parent };
  const { environmentName, serviceName, tags } = args;
  const logGroup = new aws.cloudwatch.LogGroup(
    `${name}-logs`,
    { name: `/platform/${environmentName}/${serviceName}`, retentionInDays: args.logRetentionDays, kmsKeyId: args.kmsKeyArn, tags },
    opts,
  );

  const trust = (account: RoleAccount) => ecsTasksTrustPolicy(account.accountId, account.partition, args.region);
  const executionRole = serviceRole(
    `${name}-execution-role`,
    { description: `ECS agent for ${serviceName} (${environmentName}): image pull, logs, secrets`, account: args.account, trust, tags },
    opts,
  );
  new aws.iam.RolePolicy(
    `${name}-execution-policy`,
    {
      role: executionRole.id,
      policy: pulumi
        .all([args.pullRepositoryArns, logGroup.arn, args.database.appSecretArn, args.database.masterSecretArn, args.redis.authSecretArn, args.kmsKeyArn])
        .apply(([repositoryArns, logGroupArn, appSecret, masterSecret, redisSecret, kmsKeyArn]) =>
          JSON.stringify(executionRolePolicy({ repositoryArns, logGroupArn, secretArns: [appSecret, masterSecret, redisSecret], kmsKeyArn })),
        ),
    },
    opts,
  );
  // The service's one AWS call: re-reading its database secret after a rotation (metrics leave as EMF).
  const taskRole = serviceRole(
    `${name}-task-role`,
    { description: `Task role of ${serviceName} (${environmentName}): reads its own database secret, nothing else`, account: args.account, trust, tags },
    opts,
  );
  new aws.iam.RolePolicy(
    `${name}-task-policy`,
    {
      role: taskRole.id,
      policy: pulumi
        .all([args.database.appSecretArn, args.kmsKeyArn])
        .apply(([secretArn, kmsKeyArn]) => JSON.stringify(taskRolePolicy({ secretArn, kmsKeyArn, region: args.region }))),
    },
    opts,
  );

  const containerDefinitions = pulumi
    .output({
      image: args.imageRef,
      dbHost: args.database.host,
      dbPort: args.database.port,
      dbName: args.database.name,
      dbAppSecret: args.database.appSecretArn,
      dbMasterSecret: args.database.masterSecretArn,
      redisHost: args.redis.host,
      redisPort: args.redis.port,
      redisSecret: args.redis.authSecretArn,
      logGroupName: logGroup.name,
    })
    .apply((v) =>
      JSON.stringify([
        serviceContainerDefinition({
          containerName: args.containerName,
          image: v.image,
          port: args.size.port,
          environmentName,
          shutdownTimeoutMs: args.size.shutdownTimeoutMs,
          oidc: args.oidc,
          database: { host: v.dbHost, port: v.dbPort, name: v.dbName, appSecretArn: v.dbAppSecret, masterSecretArn: v.dbMasterSecret },
          redis: { host: v.redisHost, port: v.redisPort, authSecretArn: v.redisSecret },
          logGroupName: v.logGroupName,
          region: args.region,
        }),
      ]),
    );
  const taskDefinition = new aws.ecs.TaskDefinition(
    `${name}-task`,
    {
      family: `${environmentName}-${serviceName}`,
      requiresCompatibilities: ["FARGATE"],
      networkMode: "awsvpc",
      cpu: String(args.size.cpu),
      memory: String(args.size.memoryMb),
      runtimePlatform: { operatingSystemFamily: "LINUX", cpuArchitecture: "X86_64" },
      executionRoleArn: executionRole.arn,
      taskRoleArn: taskRole.arn,
      volumes: [{ name: TMP_VOLUME_NAME }],
      containerDefinitions,
      tags,
    },
    opts,
  );
  return { logGroup, executionRole, taskRole, taskDefinition };
}

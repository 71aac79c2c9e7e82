import * as aws from "@pulumi/aws";
import * as pulumi from "@pulumi/pulumi";
import { serviceRole, serviceTrustPolicy } from "../iam/service-role";
import type { DatabaseEndpoint } from "./data-store-endpoints";
import { databaseUserArn } from "./iam-policies";
import { VPC_NETWORK_INTERFACES } from "./lambda/lambda-policies";
import { alarmDescription } from "../observability/runbooks";

/** 02:15 UTC every night: after the working day in Europe and the Americas, before Asia's starts. */
export const DEFAULT_DORA_SNAPSHOT_SCHEDULE = "cron(15 2 * * ? *)";

/**
 * The schedule's input to the function (service/src/lambda/dora-snapshot.ts). Scheduler fills in its context
 * attributes at each invocation; the scheduled time makes a duplicated or retried delivery compute nothing.
 */
export const DORA_SNAPSHOT_SCHEDULE_INPUT = JSON.stringify({
  scheduledTime: "<aws.scheduler.scheduled-time>",
  executionId: "<aws.scheduler.execution-id>",
  attemptNumber: "<aws.scheduler.attempt-number>",
});

/** Where `pnpm --filter @platform/service bundle:lambda` writes the job's archive (repository-relative), and its handler. */
export const DORA_SNAPSHOT_ARCHIVE_PATH = "service/dist/lambda/dora-snapshot.zip";
export const DORA_SNAPSHOT_BUNDLED_HANDLER = "dist/lambda/dora-snapshot.handler";

/**
 * Code for a deploy made without the bundle: the function fails every run with this message, so the failure
 * alarm says what is missing, and the API keeps answering live (it never serves a snapshot that is absent).
 */
export function unbundledJob(entry: string): pulumi.asset.AssetArchive {
  const message = `the ${entry} Lambda bundle was not built before this deploy: run pnpm --filter @platform/service bundle:lambda, then deploy again`;
  return new pulumi.asset.AssetArchive({
    [`${entry}.js`]: new pulumi.asset.StringAsset(`exports.handler = async () => { throw new Error(${JSON.stringify(message)}); };\n`),
  });
}

export interface DoraSnapshotScheduleArgs {
  /** Environment name: names the function (<environment>-dora-snapshot). Required. */
  readonly environmentName: string;
  /** The bundled job (an archive whose root holds the handler's file). Required: `pnpm --filter @platform/service bundle:lambda` builds it. */
  readonly code: pulumi.Input<pulumi.asset.Archive>;
  /** `<file>.<export>` inside the archive. Default: dora-snapshot.handler. */
  readonly handler?: string;
  /** Default: cron(15 2 * * ? *), nightly. */
  readonly scheduleExpression?: string;
  /** Time zone of the cron expression. Default: UTC. */
  readonly scheduleTimezone?: string;
  /** Windows (days) to compute, DORA_SNAPSHOT_WINDOWS; other windows are answered live. Default: the service's (1–365). */
  readonly windows?: readonly number[];
  readonly vpcId: pulumi.Input<string>;
  /** The private subnets (they reach PostgreSQL and the VPC endpoints). */
  readonly subnetIds: pulumi.Input<pulumi.Input<string>[]>;
  /** PostgreSQL's security group: gains one ingress rule from the function's group. */
  readonly databaseSecurityGroupId: pulumi.Input<string>;
  /** The function's rds-db:connect names the resourceId and appUsername; it reads no secret. */
  readonly database: Pick<DatabaseEndpoint, "host" | "port" | "name" | "resourceId" | "appUsername">;
  /** The key the function's log group is encrypted with. */
  readonly kmsKeyArn: pulumi.Input<string>;
  /** Logs retention in days. Default: 30. */
  readonly logRetentionDays?: number;
  /** Where the alarm on failed runs notifies. */
  readonly alertTopicArn: pulumi.Input<string>;
  readonly tags?: Record<string, string>;
}

/**
 * The function's rights: its own log group, the network interfaces a function in a VPC needs (AWS accepts no
 * narrower resource for those), signing in to PostgreSQL as the application user (IAM database authentication),
 * and the on-failure queue.
 */
export function doraSnapshotFunctionPolicy(refs: {
  logGroupArn: string;
  /** arn:…:rds-db:…:dbuser:<DbiResourceId>/<user> (databaseUserArn()). */
  databaseUserArn: string;
  deadLetterQueueArn: string;
}): Record<string, unknown> {
  return {
    Version: "2012-10-17",
    Statement: [
      { Sid: "Logs", Effect: "Allow", Action: ["logs:CreateLogStream", "logs:PutLogEvents"], Resource: `${refs.logGroupArn}:*` },
      VPC_NETWORK_INTERFACES,
      { Sid: "ConnectAsApplicationUser", Effect: "Allow", Action: "rds-db:connect", Resource: refs.databaseUserArn },
      { Sid: "OnFailure", Effect: "Allow", Action: "sqs:SendMessage", Resource: refs.deadLetterQueueArn },
    ],
  };
}

/** The schedule's rights: invoke this function (any version) and dead-letter what it could not deliver. */
export function doraSnapshotSchedulerPolicy(functionArn: string, deadLetterQueueArn: string): Record<string, unknown> {
  return {
    Version: "2012-10-17",
    Statement: [
      { Effect: "Allow", Action: "lambda:InvokeFunction", Resource: [functionArn, `${functionArn}:*`] },
      { Effect: "Allow", Action: "sqs:SendMessage", Resource: deadLetterQueueArn },
    ],
  };
}

/** The function's plain environment: the service's own variables (service/src/config.ts), no credential. */
export function doraSnapshotEnvironment(spec: {
  environmentName: string;
  host: string;
  port: number;
  name: string;
  username: string;
  windows?: readonly number[];
}): Record<string, string> {
  return {
    NODE_ENV: "production",
    PLATFORM_ENVIRONMENT: spec.environmentName,
    PGHOST: spec.host,
    PGPORT: String(spec.port),
    PGDATABASE: spec.name,
    // No password: each connection signs an IAM token with the function's role (Lambda sets AWS_REGION itself).
    DB_AUTH: "iam",
    PGUSER: spec.username,
    PGSSLMODE: "verify-full",
    // Node.js 20+ runtimes no longer trust the RDS certificate authorities by default; this bundle holds them.
    NODE_EXTRA_CA_CERTS: "/var/runtime/ca-cert.pem",
    ...(spec.windows ? { DORA_SNAPSHOT_WINDOWS: spec.windows.join(",") } : {}),
  };
}

/**
 * The nightly DORA snapshot: EventBridge Scheduler invokes a Lambda function in the private subnets that computes
 * /v1/metrics/dora into the snapshot table (service/src/dora/snapshot.ts). Scheduler retries failed deliveries
 * and dead-letters them; Lambda retries a failed run twice and then sends it to the same queue; a message
 * there raises an alarm. One run at a time (reserved concurrency 1, and an advisory lock in PostgreSQL).
 * The alarm stays out of the compute layer's `alarms` (the soak gate): a failed night says nothing of a release.
 */
export class DoraSnapshotSchedule extends pulumi.ComponentResource {
  readonly functionName: pulumi.Output<string>;
  readonly functionArn: pulumi.Output<string>;
  readonly scheduleArn: pulumi.Output<string>;
  readonly deadLetterQueueUrl: pulumi.Output<string>;
  readonly alarmName: pulumi.Output<string>;

  constructor(name: string, args: DoraSnapshotScheduleArgs, opts?: pulumi.ComponentResourceOptions) {
    super("platform:compute:DoraSnapshotSchedule", name, {}, opts);
    for (const days of args.windows ?? []) {
      if (!Number.isInteger(days) || days < 1 || days > 365) {
        throw new pulumi.ResourceError(`DoraSnapshotSchedule ${name}: windows holds ${days}; each window is a whole number of days from 1 to 365.`, this);
      }
    }
    const parent = { parent: this };
    const tags = args.tags;
    const functionName = `${args.environmentName}-dora-snapshot`;
    const partition = aws.getPartitionOutput({}, parent).partition;
    const accountId = aws.getCallerIdentityOutput({}, parent).accountId;
    const region = aws.getRegionOutput({}, parent).region;
    const account = { partition, accountId };

    const logGroup = new aws.cloudwatch.LogGroup(
      `${name}-logs`,
      { name: `/aws/lambda/${functionName}`, retentionInDays: args.logRetentionDays ?? 30, kmsKeyId: args.kmsKeyArn, tags },
      parent,
    );
    // SQS-managed encryption: a customer key would need Scheduler and Lambda in its key policy for no added control.
    const deadLetters = new aws.sqs.Queue(
      `${name}-dlq`,
      { name: `${functionName}-failed`, messageRetentionSeconds: 14 * 86_400, sqsManagedSseEnabled: true, tags },
      parent,
    );

    const securityGroup = new aws.ec2.SecurityGroup(
      name,
      { vpcId: args.vpcId, description: "DORA snapshot function: PostgreSQL and the VPC endpoints only", tags },
      parent,
    );
    new aws.vpc.SecurityGroupEgressRule(
      `${name}-to-database`,
      {
        securityGroupId: securityGroup.id,
        referencedSecurityGroupId: args.databaseSecurityGroupId,
        ipProtocol: "tcp",
        fromPort: args.database.port,
        toPort: args.database.port,
        description: "PostgreSQL",
        tags,
      },
      parent,
    );
    new aws.vpc.SecurityGroupIngressRule(
      `${name}-database-ingress`,
      {
        securityGroupId: args.databaseSecurityGroupId,
        referencedSecurityGroupId: securityGroup.id,
        ipProtocol: "tcp",
        fromPort: args.database.port,
        toPort: args.database.port,
        description: "PostgreSQL from the DORA snapshot function",
        tags,
      },
      parent,
    );

    const role = serviceRole(
      name,
      {
        description: `${functionName}: computes the DORA snapshot`,
        account,
        trust: (a) => serviceTrustPolicy({ service: "lambda.amazonaws.com", sourceAccount: a.accountId }),
        ...(tags === undefined ? {} : { tags }),
      },
      parent,
    );
    const rolePolicy = new aws.iam.RolePolicy(
      name,
      {
        role: role.id,
        policy: pulumi
          .all([logGroup.arn, partition, region, accountId, args.database.resourceId, args.database.appUsername, deadLetters.arn])
          .apply(([logGroupArn, p, r, id, dbResourceId, username, deadLetterQueueArn]) =>
            JSON.stringify(
              doraSnapshotFunctionPolicy({
                logGroupArn,
                databaseUserArn: databaseUserArn({ partition: p, region: r, accountId: id, dbResourceId, username }),
                deadLetterQueueArn,
              }),
            ),
          ),
      },
      parent,
    );

    const fn = new aws.lambda.Function(
      name,
      {
        name: functionName,
        description: "Nightly DORA snapshot of the release ledger (service/src/lambda/dora-snapshot.ts)",
        role: role.arn,
        code: args.code,
        handler: args.handler ?? "dora-snapshot.handler",
        runtime: aws.lambda.Runtime.NodeJS24dX,
        architectures: ["arm64"],
        memorySize: 512,
        // The job's statement timeout (DORA_SNAPSHOT_STATEMENT_TIMEOUT_MS, 240 s) ends a slow query first.
        timeout: 300,
        // One run at a time; a second invocation is throttled and retried by Lambda rather than run beside it.
        reservedConcurrentExecutions: 1,
        vpcConfig: { subnetIds: args.subnetIds, securityGroupIds: [securityGroup.id] },
        loggingConfig: { logFormat: "Text", logGroup: logGroup.name },
        environment: {
          variables: pulumi
            .all([args.database.host, args.database.port, args.database.name, args.database.appUsername])
            .apply(([host, port, dbName, username]) =>
              doraSnapshotEnvironment({
                environmentName: args.environmentName,
                host,
                port,
                name: dbName,
                username,
                ...(args.windows ? { windows: args.windows } : {}),
              }),
            ),
        },
        tags,
      },
      { parent: this, dependsOn: [rolePolicy, logGroup] },
    );
    // Scheduler invokes asynchronously: a run that throws is retried by Lambda, then lands on the queue.
    new aws.lambda.FunctionEventInvokeConfig(
      name,
      {
        functionName: fn.name,
        maximumRetryAttempts: 2,
        maximumEventAgeInSeconds: 6 * 3600,
        destinationConfig: { onFailure: { destination: deadLetters.arn } },
      },
      parent,
    );

    const schedulerRole = serviceRole(
      `${name}-scheduler`,
      {
        description: `EventBridge Scheduler invokes ${functionName}`,
        account,
        trust: (a) => serviceTrustPolicy({ service: "scheduler.amazonaws.com", sourceAccount: a.accountId }),
        ...(tags === undefined ? {} : { tags }),
      },
      parent,
    );
    const schedulerPolicy = new aws.iam.RolePolicy(
      `${name}-scheduler`,
      {
        role: schedulerRole.id,
        policy: pulumi.all([fn.arn, deadLetters.arn]).apply(([fnArn, dlqArn]) => JSON.stringify(doraSnapshotSchedulerPolicy(fnArn, dlqArn))),
      },
      parent,
    );
    const schedule = new aws.scheduler.Schedule(
      name,
      {
        name: functionName,
        description: "Nightly DORA snapshot of the release ledger",
        scheduleExpression: args.scheduleExpression ?? DEFAULT_DORA_SNAPSHOT_SCHEDULE,
        scheduleExpressionTimezone: args.scheduleTimezone ?? "UTC",
        flexibleTimeWindow: { mode: "OFF" },
        state: "ENABLED",
        target: {
          arn: fn.arn,
          roleArn: schedulerRole.arn,
          input: DORA_SNAPSHOT_SCHEDULE_INPUT,
          retryPolicy: { maximumRetryAttempts: 5, maximumEventAgeInSeconds: 3600 },
          deadLetterConfig: { arn: deadLetters.arn },
        },
      },
      { parent: this, dependsOn: [schedulerPolicy] },
    );

    const alarm = new aws.cloudwatch.MetricAlarm(
      `${name}-failed`,
      {
        name: `${functionName}-failed`,
        alarmDescription: alarmDescription(
          "dora-snapshot-failed",
          `${args.environmentName}: a DORA snapshot run failed after its retries (queue ${functionName}-failed, logs /aws/lambda/${functionName}). Until a run succeeds, /v1/metrics/dora answers live. Not a release problem.`,
        ),
        namespace: "AWS/SQS",
        metricName: "ApproximateNumberOfMessagesVisible",
        dimensions: { QueueName: deadLetters.name },
        statistic: "Maximum",
        period: 300,
        evaluationPeriods: 1,
        comparisonOperator: "GreaterThanThreshold",
        threshold: 0,
        treatMissingData: "notBreaching",
        alarmActions: [args.alertTopicArn],
        okActions: [args.alertTopicArn],
        tags,
      },
      parent,
    );

    this.functionName = fn.name;
    this.functionArn = fn.arn;
    this.scheduleArn = schedule.arn;
    this.deadLetterQueueUrl = deadLetters.url;
    this.alarmName = alarm.name;
    this.registerOutputs({
      functionName: this.functionName,
      functionArn: this.functionArn,
      scheduleArn: this.scheduleArn,
      deadLetterQueueUrl: this.deadLetterQueueUrl,
      alarmName: this.alarmName,
    });
  }
}

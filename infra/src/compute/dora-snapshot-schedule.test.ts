/** DoraSnapshotSchedule under Pulumi's mocks: what runs when, where, with which rights, and where failures go. */
import { runInNewContext } from "node:vm";
import * as aws from "@pulumi/aws";
import * as pulumi from "@pulumi/pulumi";
import { beforeAll, describe, expect, it } from "vitest";
import { installMocks, promiseOf, settleResources, type MockRecorder } from "../testing/mocks";
import { DORA_SNAPSHOT_SCHEDULE_INPUT, doraSnapshotFunctionPolicy, doraSnapshotSchedulerPolicy, unbundledJob } from "./dora-snapshot-schedule";

let recorder: MockRecorder;
let outputs: { functionName: string; alarmName: string };

const DB_USER = "arn:aws:rds-db:eu-west-1:123456789012:dbuser:db-ABCDEFGHIJKLMNOP/ledger_app";
const KEY = "arn:aws:kms:eu-west-1:123456789012:key/1234";

beforeAll(async () => {
  recorder = await installMocks({ project: "platform-compute", stack: "staging" });
  const { DoraSnapshotSchedule } = await import("./dora-snapshot-schedule.js");
  const provider = new aws.Provider("aws", { region: "eu-west-1" });
  const snapshot = new DoraSnapshotSchedule(
    "dora-snapshot",
    {
      environmentName: "staging",
      code: new pulumi.asset.AssetArchive({ "dora-snapshot.js": new pulumi.asset.StringAsset("exports.handler = async () => ({});") }),
      windows: [7, 30, 90],
      vpcId: "vpc-1",
      subnetIds: ["subnet-private-a", "subnet-private-b"],
      databaseSecurityGroupId: "sg-database",
      database: { host: "db.internal", port: 5432, name: "ledger", resourceId: "db-ABCDEFGHIJKLMNOP", appUsername: "ledger_app" },
      kmsKeyArn: KEY,
      alertTopicArn: "arn:aws:sns:eu-west-1:123456789012:alerts",
      tags: { Environment: "staging" },
    },
    { provider },
  );
  outputs = { functionName: await promiseOf(snapshot.functionName), alarmName: await promiseOf(snapshot.alarmName) };
  await settleResources(recorder);
});

describe("DoraSnapshotSchedule", () => {
  it("runs nightly at 02:15 UTC, passing the scheduled time the job keys its idempotency on", () => {
    const schedule = recorder.one("aws:scheduler/schedule:Schedule").inputs as {
      scheduleExpression: string;
      scheduleExpressionTimezone: string;
      flexibleTimeWindow: { mode: string };
      target: { arn: string; input: string; retryPolicy: { maximumRetryAttempts: number }; deadLetterConfig: { arn: string } };
    };
    expect(schedule.scheduleExpression).toBe("cron(15 2 * * ? *)");
    expect(schedule.scheduleExpressionTimezone).toBe("UTC");
    expect(schedule.flexibleTimeWindow).toEqual({ mode: "OFF" });
    expect(JSON.parse(schedule.target.input)).toEqual({
      scheduledTime: "<aws.scheduler.scheduled-time>",
      executionId: "<aws.scheduler.execution-id>",
      attemptNumber: "<aws.scheduler.attempt-number>",
    });
    expect(schedule.target.input).toBe(DORA_SNAPSHOT_SCHEDULE_INPUT);
    expect(schedule.target.arn).toContain("dora-snapshot");
    expect(schedule.target.retryPolicy.maximumRetryAttempts).toBeGreaterThan(0);
    expect(schedule.target.deadLetterConfig.arn).toBe(recorder.one("aws:sqs/queue:Queue", "dora-snapshot-dlq").state.arn);
  });

  it("sends a run that still fails after Lambda's retries to the same queue, whose first message raises an alarm", () => {
    const invoke = recorder.one("aws:lambda/functionEventInvokeConfig:FunctionEventInvokeConfig").inputs as {
      maximumRetryAttempts: number;
      destinationConfig: { onFailure: { destination: string } };
    };
    expect(invoke.maximumRetryAttempts).toBe(2);
    expect(invoke.destinationConfig.onFailure.destination).toBe(recorder.one("aws:sqs/queue:Queue", "dora-snapshot-dlq").state.arn);
    const alarm = recorder.one("aws:cloudwatch/metricAlarm:MetricAlarm").inputs;
    expect(alarm).toMatchObject({
      namespace: "AWS/SQS",
      metricName: "ApproximateNumberOfMessagesVisible",
      comparisonOperator: "GreaterThanThreshold",
      threshold: 0,
      alarmActions: ["arn:aws:sns:eu-west-1:123456789012:alerts"],
    });
    expect(outputs.alarmName).toBe("staging-dora-snapshot-failed");
  });

  it("runs one at a time in the private subnets, with the service's database settings and no credential in plain sight", () => {
    const fn = recorder.one("aws:lambda/function:Function").inputs as {
      name: string;
      handler: string;
      runtime: string;
      reservedConcurrentExecutions: number;
      timeout: number;
      vpcConfig: { subnetIds: string[]; securityGroupIds: string[] };
      environment: { variables: Record<string, string> };
    };
    expect(outputs.functionName).toBe("staging-dora-snapshot");
    expect(fn).toMatchObject({ handler: "dora-snapshot.handler", runtime: "nodejs24.x", reservedConcurrentExecutions: 1, timeout: 300 });
    expect(fn.vpcConfig.subnetIds).toEqual(["subnet-private-a", "subnet-private-b"]);
    expect(fn.environment.variables).toMatchObject({
      PGHOST: "db.internal",
      PGPORT: "5432",
      PGDATABASE: "ledger",
      DB_AUTH: "iam",
      PGUSER: "ledger_app",
      PGSSLMODE: "verify-full",
      DORA_SNAPSHOT_WINDOWS: "7,30,90",
    });
    expect(Object.keys(fn.environment.variables).filter((name) => /PASSWORD|TOKEN|SECRET/.test(name))).toEqual([]);
  });

  it("opens PostgreSQL to the function's group only, on its port", () => {
    const ingress = recorder.one("aws:vpc/securityGroupIngressRule:SecurityGroupIngressRule").inputs;
    expect(ingress).toMatchObject({ securityGroupId: "sg-database", fromPort: 5432, toPort: 5432, ipProtocol: "tcp" });
    const egress = recorder.ofType("aws:vpc/securityGroupEgressRule:SecurityGroupEgressRule").map((r) => r.inputs);
    // PostgreSQL only: the login token is signed locally, so the function calls no AWS endpoint from the VPC.
    expect(egress).toEqual([expect.objectContaining({ referencedSecurityGroupId: "sg-database", fromPort: 5432, toPort: 5432 })]);
  });

  it("gives both roles the permissions boundary, and each only its own service as principal", () => {
    const roles = recorder.ofType("aws:iam/role:Role").map((r) => r.inputs as { permissionsBoundary: string; assumeRolePolicy: string });
    expect(roles).toHaveLength(2);
    for (const role of roles) expect(role.permissionsBoundary).toMatch(/:policy\/platform-workload-boundary$/);
    expect(
      roles.map((r) => (JSON.parse(r.assumeRolePolicy) as { Statement: { Principal: { Service: string } }[] }).Statement[0]!.Principal.Service).sort(),
    ).toEqual(["lambda.amazonaws.com", "scheduler.amazonaws.com"]);
    for (const role of roles) expect(role.assumeRolePolicy).toContain('"aws:SourceAccount":"123456789012"');
  });

  it("lets the function sign in as the application user of this database, read no secret, and nothing else of the account's", () => {
    const policy = doraSnapshotFunctionPolicy({ logGroupArn: "arn:lg", databaseUserArn: DB_USER, deadLetterQueueArn: "arn:q" });
    const statements = policy.Statement as { Action: string | string[]; Resource: string | string[]; Condition?: unknown }[];
    expect(statements.filter((s) => [s.Action].flat().some((a) => a.startsWith("rds-db:")))).toEqual([
      expect.objectContaining({ Action: "rds-db:connect", Resource: DB_USER }),
    ]);
    expect(statements.filter((s) => [s.Action].flat().some((a) => /^(secretsmanager|kms):/.test(a)))).toEqual([]);
    // "*" only where AWS allows nothing narrower: the network interfaces of a function in a VPC.
    for (const s of statements.filter((s) => s.Resource === "*")) expect([s.Action].flat().every((a) => a.startsWith("ec2:"))).toBe(true);
    // The policy attached is the one the pure function builds.
    const attached = recorder.one("aws:iam/rolePolicy:RolePolicy", "dora-snapshot").inputs.policy as string;
    expect(JSON.parse(attached)).toMatchObject({ Statement: expect.arrayContaining([expect.objectContaining({ Resource: DB_USER })]) as unknown });
  });

  it("lets the schedule invoke this function and dead-letter, nothing more", () => {
    expect(doraSnapshotSchedulerPolicy("arn:fn", "arn:q").Statement).toEqual([
      { Effect: "Allow", Action: "lambda:InvokeFunction", Resource: ["arn:fn", "arn:fn:*"] },
      { Effect: "Allow", Action: "sqs:SendMessage", Resource: "arn:q" },
    ]);
  });

  it("without a bundle, deploys a function whose every run fails saying what is missing (so the alarm tells)", async () => {
    const assets = (await unbundledJob("dora-snapshot").assets) as Record<string, pulumi.asset.StringAsset>;
    const source = await assets["dora-snapshot.js"]!.text;
    const sandbox = { exports: {} as { handler?: () => Promise<unknown> } };
    runInNewContext(source, sandbox);
    await expect(sandbox.exports.handler!()).rejects.toThrow(/dora-snapshot Lambda bundle was not built .* bundle:lambda/);
  });

  it("refuses a window outside 1 to 365 days", async () => {
    const { DoraSnapshotSchedule } = await import("./dora-snapshot-schedule.js");
    expect(
      () =>
        new DoraSnapshotSchedule("bad", {
          environmentName: "x",
          code: new pulumi.asset.AssetArchive({}),
          windows: [30, 400],
          vpcId: "v",
          subnetIds: [],
          databaseSecurityGroupId: "sg",
          database: { host: "h", port: 5432, name: "n", resourceId: "db-X", appUsername: "u" },
          kmsKeyArn: "k",
          alertTopicArn: "t",
        }),
    ).toThrow(/windows holds 400; each window is a whole number of days from 1 to 365/);
  });
});

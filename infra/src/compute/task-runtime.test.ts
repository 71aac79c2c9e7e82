/** The Fargate task runtime under Pulumi's mocks: least-privilege roles and the task definition. */
import * as pulumi from "@pulumi/pulumi";
import { beforeAll, describe, expect, it } from "vitest";
import { installMocks, promiseOf, settleResources, type MockRecorder } from "../testing/mocks";

let recorder: MockRecorder;

const secrets = {
  master: "arn:aws:secretsmanager:eu-west-1:111122223333:secret:master",
  redis: "arn:aws:secretsmanager:eu-west-1:111122223333:secret:redis",
};

beforeAll(async () => {
  recorder = await installMocks({ project: "platform-compute", stack: "test" });
  const { fargateTaskRuntime } = await import("./task-runtime.js");
  const parent = new pulumi.ComponentResource("test:compute:Parent", "parent");
  const runtime = fargateTaskRuntime(
    "svc",
    {
      environmentName: "staging",
      region: "eu-west-1",
      account: { partition: "aws", accountId: "111122223333" },
      serviceName: "release-ledger",
      containerName: "service",
      size: { cpu: 512, memoryMb: 1024, port: 8080, shutdownTimeoutMs: 20_000 },
      oidc: { issuer: "", audience: "release-ledger", rolesClaim: "roles" },
      imageRef: "111122223333.dkr.ecr.eu-west-1.amazonaws.com/ledger@sha256:" + "a".repeat(64),
      pullRepositoryArns: ["arn:aws:ecr:eu-west-1:111122223333:repository/ledger"],
      kmsKeyArn: "arn:aws:kms:eu-west-1:111122223333:key/k",
      logRetentionDays: 30,
      database: { host: "db", port: 5432, name: "ledger", masterSecretArn: secrets.master, resourceId: "db-ABCDEFGHIJKL", appUsername: "ledger_app" },
      redis: { host: "redis", port: 6379, authSecretArn: secrets.redis },
    },
    parent,
  );
  await promiseOf(runtime.taskDefinition.urn);
  await settleResources(recorder);
});

const policyOf = (name: string) =>
  JSON.parse(String(recorder.one("aws:iam/rolePolicy:RolePolicy", name).inputs.policy)) as { Statement: { Sid: string; Resource: unknown }[] };

describe("fargateTaskRuntime", () => {
  it("lets only this account's ECS in this region assume either role, each under the workload boundary", () => {
    for (const name of ["svc-execution-role", "svc-task-role"]) {
      const role = recorder.one("aws:iam/role:Role", name);
      const trust = JSON.parse(String(role.inputs.assumeRolePolicy)) as { Statement: { Condition: unknown }[] };
      expect(trust.Statement[0]!.Condition).toEqual({
        StringEquals: { "aws:SourceAccount": "111122223333" },
        ArnLike: { "aws:SourceArn": "arn:aws:ecs:eu-west-1:111122223333:*" },
      });
      expect(role.inputs.permissionsBoundary).toBe("arn:aws:iam::111122223333:policy/platform-workload-boundary");
    }
  });

  it("gives the agent the two referenced secrets, and the task only its sign-in as the application user (IAM tokens)", () => {
    expect(policyOf("svc-execution-policy").Statement.find((s) => s.Sid === "ReadSecrets")!.Resource).toEqual([secrets.master, secrets.redis]);
    expect(policyOf("svc-task-policy").Statement).toEqual([
      {
        Sid: "ConnectAsApplicationUser",
        Effect: "Allow",
        Action: "rds-db:connect",
        Resource: "arn:aws:rds-db:eu-west-1:111122223333:dbuser:db-ABCDEFGHIJKL/ledger_app",
      },
    ]);
  });

  it("defines one Fargate task of the given size, logging to the environment's encrypted log group", () => {
    const task = recorder.one("aws:ecs/taskDefinition:TaskDefinition", "svc-task");
    expect(task.inputs).toMatchObject({
      family: "staging-release-ledger",
      cpu: "512",
      memory: "1024",
      networkMode: "awsvpc",
      requiresCompatibilities: ["FARGATE"],
    });
    const [container] = JSON.parse(String(task.inputs.containerDefinitions)) as {
      name: string;
      image: string;
      logConfiguration: { options: Record<string, string> };
    }[];
    expect(container!.name).toBe("service");
    expect(container!.image).toMatch(/@sha256:a{64}$/);
    expect(container!.logConfiguration.options["awslogs-group"]).toBe("/platform/staging/release-ledger");
    expect(recorder.one("aws:cloudwatch/logGroup:LogGroup", "svc-logs").inputs).toMatchObject({
      retentionInDays: 30,
      kmsKeyId: "arn:aws:kms:eu-west-1:111122223333:key/k",
    });
  });
});

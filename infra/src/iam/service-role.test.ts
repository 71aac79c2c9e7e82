/** The one service-role shape: the trust policy's confused-deputy guard and the workload boundary. */
import { beforeAll, describe, expect, it } from "vitest";
import { installMocks, promiseOf, settleResources, type MockRecorder } from "../testing/mocks";
import { serviceTrustPolicy } from "./service-role";

describe("serviceTrustPolicy", () => {
  it("holds the service to one account and one source ARN when both are given", () => {
    expect(
      serviceTrustPolicy({ service: "ecs-tasks.amazonaws.com", sourceAccount: "111122223333", sourceArn: "arn:aws:ecs:eu-west-1:111122223333:*" }),
    ).toEqual({
      Version: "2012-10-17",
      Statement: [
        {
          Effect: "Allow",
          Principal: { Service: "ecs-tasks.amazonaws.com" },
          Action: "sts:AssumeRole",
          Condition: {
            StringEquals: { "aws:SourceAccount": "111122223333" },
            ArnLike: { "aws:SourceArn": "arn:aws:ecs:eu-west-1:111122223333:*" },
          },
        },
      ],
    });
  });

  it("puts further StringEquals keys after the account and keeps a list of actions a list", () => {
    const [statement] = serviceTrustPolicy({
      service: "pods.eks.amazonaws.com",
      actions: ["sts:AssumeRole", "sts:TagSession"],
      sourceAccount: "111122223333",
      stringEquals: { "aws:RequestTag/kubernetes-namespace": "ns" },
    }).Statement;
    expect(statement!.Action).toEqual(["sts:AssumeRole", "sts:TagSession"]);
    expect(Object.keys(statement!.Condition!.StringEquals!)).toEqual(["aws:SourceAccount", "aws:RequestTag/kubernetes-namespace"]);
    expect(statement!.Condition).not.toHaveProperty("ArnLike");
  });

  it("writes no Condition for a service that sends no source keys, and the Sid first when given", () => {
    const [statement] = serviceTrustPolicy({ service: "eks.amazonaws.com", sid: "Eks" }).Statement;
    expect(statement).not.toHaveProperty("Condition");
    expect(Object.keys(statement!)[0]).toBe("Sid");
  });
});

describe("serviceRole", () => {
  let recorder: MockRecorder;
  beforeAll(async () => {
    recorder = await installMocks({ project: "platform-compute", stack: "test" });
    const pulumi = await import("@pulumi/pulumi");
    const { serviceRole } = await import("./service-role.js");
    const role = serviceRole(
      "worker",
      {
        description: "A worker",
        account: { partition: pulumi.output("aws-cn"), accountId: "111122223333" },
        trust: ({ partition, accountId }) =>
          serviceTrustPolicy({ service: "ecs-tasks.amazonaws.com", sourceAccount: accountId, sourceArn: `arn:${partition}:ecs:*` }),
        tags: { Layer: "compute" },
      },
      {},
    );
    await promiseOf(role.arn);
    await settleResources(recorder);
  });

  it("carries the workload boundary of the role's own partition and account", () => {
    expect(recorder.one("aws:iam/role:Role", "worker").inputs.permissionsBoundary).toBe("arn:aws-cn:iam::111122223333:policy/platform-workload-boundary");
  });

  it("trusts what the trust function returns for the resolved account", () => {
    const role = recorder.one("aws:iam/role:Role", "worker");
    const trust = JSON.parse(String(role.inputs.assumeRolePolicy)) as ReturnType<typeof serviceTrustPolicy>;
    expect(trust.Statement[0]!.Condition).toEqual({ StringEquals: { "aws:SourceAccount": "111122223333" }, ArnLike: { "aws:SourceArn": "arn:aws-cn:ecs:*" } });
    expect(role.inputs.description).toBe("A worker");
    expect(role.inputs.tags).toEqual({ Layer: "compute" });
  });
});

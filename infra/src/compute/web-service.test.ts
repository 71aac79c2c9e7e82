/** WebService's own checks: it takes plain environment slices and refuses what it cannot deploy safely. */
import * as pulumi from "@pulumi/pulumi";
import { beforeAll, describe, expect, it } from "vitest";
import { installMocks, promiseOf, settleResources, type MockRecorder } from "../testing/mocks";
import type { WebService as WebServiceClass, WebServiceArgs } from "./web-service";

let WebService: typeof WebServiceClass;
let recorder: MockRecorder;

const args: WebServiceArgs = {
  environmentName: "prod",
  region: "eu-west-1",
  isProduction: true,
  logRetentionDays: 90,
  service: { cpu: 1024, memoryMb: 2048, minTasks: 3, maxTasks: 12, port: 8080, shutdownTimeoutMs: 20_000 },
  deployment: { strategy: "canary", canaryPercent: 10, linearStepPercent: 10, bakeMinutes: 10, alarm5xxRatePercent: 1, alarmP99LatencyMs: 1500 },
  oidc: { issuer: "", audience: "release-ledger", rolesClaim: "roles" },
  mesh: { mode: "none", mtls: false, routes: [] },
  dns: { domainName: "ledger.example.com", hostedZoneName: "example.com" },
  imageRef: "image@sha256:" + "a".repeat(64),
  pullRepositoryArns: ["arn:aws:ecr:eu-west-1:123456789012:repository/ledger"],
  vpcId: "vpc-1",
  publicSubnetIds: ["public-a"],
  privateSubnetIds: ["private-a"],
  albSecurityGroupId: "sg-alb",
  serviceSecurityGroupId: "sg-service",
  kmsKeyArn: "arn:aws:kms:eu-west-1:123456789012:key/k",
  alertTopicArn: "arn:aws:sns:eu-west-1:123456789012:alerts",
  database: { host: "db", port: 5432, name: "ledger", masterSecretArn: "master", appSecretArn: "app" },
  redis: { host: "redis", port: 6379, authSecretArn: "redis" },
  originVerifyHeader: { name: "X-Origin-Verify", value: "secret" },
};

beforeAll(async () => {
  recorder = await installMocks({ project: "platform-compute", stack: "prod" });
  ({ WebService } = await import("./web-service.js"));
});

describe("WebService", () => {
  it("refuses rolling delivery in production, naming the setting to change", () => {
    // One name per construction: a refused component is still registered.
    const rolling = (name: string) => () => new WebService(name, { ...args, deployment: { ...args.deployment, strategy: "rolling" } });
    expect(rolling("rolling-a")).toThrow(pulumi.ResourceError);
    expect(rolling("rolling-b")).toThrow(/deploymentStrategy is "rolling" in production environment prod; set canary or linear/);
  });

  it("refuses an origin-verify header name the ALB would reject", () => {
    const badHeader = (name: string) => () => new WebService(name, { ...args, originVerifyHeader: { name: "Bad Header", value: "x" } });
    expect(badHeader("header-a")).toThrow(pulumi.ResourceError);
    expect(badHeader("header-b")).toThrow(/is not an HTTP header name/);
  });

  it("plans blue/green target groups for canary delivery, ECS moving the production rule's weights", async () => {
    const web = new WebService("canary", args);
    expect(web.plan.strategy).toBe("CANARY");
    expect(web.targetGroups).toHaveLength(2);
    await promiseOf(web.serviceName);
    await settleResources(recorder);
    const [balancer] = recorder.one("aws:ecs/service:Service", "canary").inputs.loadBalancers as { advancedConfiguration?: Record<string, string> }[];
    expect(balancer!.advancedConfiguration).toMatchObject({ alternateTargetGroupArn: expect.stringContaining("canary-green") });
    expect(recorder.one("aws:iam/role:Role", "canary-ecs-infrastructure-role").inputs.permissionsBoundary).toMatch(/policy\/platform-workload-boundary$/);
  });
});

/** The origin part both platforms use, under Pulumi's mocks: names, parent, and what the listeners let through. */
import * as pulumi from "@pulumi/pulumi";
import { beforeAll, describe, expect, it } from "vitest";
import { installMocks, promiseOf, settleResources, type MockRecorder } from "../testing/mocks";
import type { OriginLoadBalancer, OriginLoadBalancerArgs } from "./origin-load-balancer";
import { originDomainName, READINESS_PATH, targetGroupArgs } from "./origin-load-balancer";

let recorder: MockRecorder;
let single: OriginLoadBalancer;
let blueGreen: OriginLoadBalancer;

const base: OriginLoadBalancerArgs = {
  vpcId: "vpc-1",
  publicSubnetIds: ["subnet-a", "subnet-b"],
  albSecurityGroupId: "sg-alb",
  port: 8080,
  targetGroupRoles: ["pods"],
  shutdownTimeoutMs: 20_000,
  isProduction: false,
  logRetentionDays: 30,
  domainName: "staging.example.com",
  hostedZoneName: "example.com",
  originVerifyHeader: { name: "X-Origin-Verify", value: "s3cret" },
  tags: { Layer: "compute" },
};

beforeAll(async () => {
  recorder = await installMocks({ project: "platform-compute", stack: "test" });
  const { originLoadBalancer } = await import("./origin-load-balancer.js");
  const parent = new pulumi.ComponentResource("test:compute:Parent", "parent");
  single = originLoadBalancer("one", base, parent);
  blueGreen = originLoadBalancer("two", { ...base, targetGroupRoles: ["blue", "green"], isProduction: true, domainName: "example.com" }, parent);
  await promiseOf(blueGreen.productionRule.urn);
  await settleResources(recorder);
});

describe("targetGroupArgs", () => {
  it("health-checks readiness and keeps a draining target for the shutdown time plus 5 s", () => {
    const args = targetGroupArgs({ vpcId: "vpc-1", port: 3000, shutdownTimeoutMs: 25_000 });
    expect(args.deregistrationDelay).toBe(30);
    expect(args.healthCheck).toMatchObject({ path: READINESS_PATH, matcher: "200" });
    // No port of its own: the check reaches the port the traffic does.
    expect(args.healthCheck).not.toHaveProperty("port");
    expect(args).toMatchObject({ targetType: "ip", protocol: "HTTP", port: 3000 });
  });
});

describe("originLoadBalancer", () => {
  it("keeps the caller's logical names and parent", async () => {
    expect(await promiseOf(single.loadBalancer.urn)).toBe("urn:pulumi:test::platform-compute::test:compute:Parent$aws:lb/loadBalancer:LoadBalancer::one-alb");
    expect(recorder.ofType("aws:lb/targetGroup:TargetGroup").map((g) => g.name)).toEqual(expect.arrayContaining(["one-pods", "two-blue", "two-green"]));
    for (const suffix of ["http", "https", "production-rule", "origin-record", "origin-cert", "alb-logs"]) {
      expect(recorder.resources.some((r) => r.name === `one-${suffix}`)).toBe(true);
    }
  });

  it("forwards only requests carrying the origin-verify header, to the one target group", () => {
    const rule = recorder.one("aws:lb/listenerRule:ListenerRule", "one-production-rule");
    expect(rule.inputs.conditions).toEqual([{ pathPattern: { values: ["/*"] } }, { httpHeader: { httpHeaderName: "X-Origin-Verify", values: ["s3cret"] } }]);
    expect(rule.inputs.actions).toEqual([{ type: "forward", targetGroupArn: expect.stringContaining("one-pods") }]);
    const https = recorder.one("aws:lb/listener:Listener", "one-https");
    expect(https.inputs.defaultActions).toEqual([
      { type: "fixed-response", fixedResponse: { contentType: "text/plain", messageBody: "Forbidden", statusCode: "403" } },
    ]);
    expect(https.inputs.sslPolicy).toBe("ELBSecurityPolicy-TLS13-1-2-2021-06");
    expect(recorder.one("aws:lb/listener:Listener", "one-http").inputs.defaultActions).toEqual([
      { type: "redirect", redirect: { protocol: "HTTPS", port: "443", statusCode: "HTTP_301" } },
    ]);
  });

  it("with two target groups forwards 100/0 (blue serves until a deployment shifts the weights)", () => {
    const rule = recorder.one("aws:lb/listenerRule:ListenerRule", "two-production-rule");
    expect(rule.inputs.actions).toEqual([
      {
        type: "forward",
        forward: {
          targetGroups: [
            { arn: expect.stringContaining("two-blue"), weight: 100 },
            { arn: expect.stringContaining("two-green"), weight: 0 },
          ],
        },
      },
    ]);
    expect(blueGreen.targetGroups).toHaveLength(2);
  });

  it("protects a production ALB and its logs from deletion, and answers on origin.<domain>", () => {
    expect(recorder.one("aws:lb/loadBalancer:LoadBalancer", "two-alb").inputs.enableDeletionProtection).toBe(true);
    expect(recorder.one("aws:lb/loadBalancer:LoadBalancer", "one-alb").inputs.enableDeletionProtection).toBe(false);
    expect(recorder.one("aws:s3/bucket:Bucket", "two-alb-logs").inputs.forceDestroy).toBe(false);
    expect(recorder.one("aws:route53/record:Record", "one-origin-record").inputs.name).toBe("origin.staging.example.com");
    expect(single.originDomainName).toBe(originDomainName("staging.example.com"));
    expect(recorder.one("aws:acm/certificate:Certificate", "two-origin-cert").inputs.domainName).toBe("origin.example.com");
  });
});

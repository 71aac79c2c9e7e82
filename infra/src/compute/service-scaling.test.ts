/** Autoscaling of the ECS service: the request metric for one target group or for blue/green, and the bounds. */
import * as pulumi from "@pulumi/pulumi";
import { beforeAll, describe, expect, it } from "vitest";
import { installMocks, promiseOf, settleResources, type MockRecorder } from "../testing/mocks";
import { requestsPerTaskMetric, SCALE_IN_COOLDOWN_SECONDS, SCALE_OUT_COOLDOWN_SECONDS } from "./service-scaling";

let recorder: MockRecorder;

const names = { albArnSuffix: "app/alb/1", clusterName: "cluster", serviceName: "svc" };

beforeAll(async () => {
  recorder = await installMocks({ project: "platform-compute", stack: "test" });
  const { serviceScaling } = await import("./service-scaling.js");
  const parent = new pulumi.ComponentResource("test:compute:Parent", "parent");
  const target = serviceScaling(
    "svc",
    { ...names, minTasks: 2, maxTasks: 9, cpuTargetPercent: 55, requestsPerTaskPerMinute: 700, requests: { per: "whole-alb" } },
    parent,
  );
  await promiseOf(target.urn);
  await settleResources(recorder);
});

describe("requestsPerTaskMetric", () => {
  it("follows ALBRequestCountPerTarget of the one target group", async () => {
    const metric = requestsPerTaskMetric({ ...names, requests: { per: "target-group", targetGroupArnSuffix: "targetgroup/blue/2" } });
    expect(metric.customizedMetricSpecification).toBeUndefined();
    const spec = metric.predefinedMetricSpecification as { predefinedMetricType: string; resourceLabel: pulumi.Output<string> };
    expect(spec.predefinedMetricType).toBe("ALBRequestCountPerTarget");
    expect(await promiseOf(spec.resourceLabel)).toBe("app/alb/1/targetgroup/blue/2");
  });

  it("divides the whole ALB's requests by the running tasks for blue/green, and returns only that quotient", () => {
    const metric = requestsPerTaskMetric({ ...names, requests: { per: "whole-alb" } });
    expect(metric.predefinedMetricSpecification).toBeUndefined();
    const metrics = (metric.customizedMetricSpecification as { metrics: { id: string; returnData: boolean; expression?: string }[] }).metrics;
    expect(metrics.map((m) => [m.id, m.returnData])).toEqual([
      ["requests", false],
      ["tasks", false],
      ["perTask", true],
    ]);
    expect(metrics[2]!.expression).toBe("IF(tasks > 0, requests / tasks, requests)");
  });
});

describe("serviceScaling", () => {
  it("scales the service's desired count between minTasks and maxTasks", () => {
    const target = recorder.one("aws:appautoscaling/target:Target", "svc-scaling");
    expect(target.inputs).toMatchObject({ minCapacity: 2, maxCapacity: 9, resourceId: "service/cluster/svc", scalableDimension: "ecs:service:DesiredCount" });
  });

  it("tracks CPU and requests per task with a slow scale-in and a fast scale-out", () => {
    const cpu = recorder.one("aws:appautoscaling/policy:Policy", "svc-scale-cpu").inputs.targetTrackingScalingPolicyConfiguration;
    expect(cpu).toMatchObject({ targetValue: 55, scaleInCooldown: SCALE_IN_COOLDOWN_SECONDS, scaleOutCooldown: SCALE_OUT_COOLDOWN_SECONDS });
    const requests = recorder.one("aws:appautoscaling/policy:Policy", "svc-scale-requests").inputs.targetTrackingScalingPolicyConfiguration;
    expect(requests).toMatchObject({ targetValue: 700, customizedMetricSpecification: { metrics: expect.any(Array) } });
    expect(SCALE_IN_COOLDOWN_SECONDS).toBeGreaterThan(SCALE_OUT_COOLDOWN_SECONDS);
  });
});

/* eslint-disable @typescript-eslint/no-explicit-any -- recorded mock inputs are untyped JSON; the assertions give them shape. */
/**
 * The compute layer while an environment moves from ECS to EKS (computeMigrateTo: eks): ECS keeps the origin, the
 * pods register into a target group of their own on the same ALB, and the weights devctl migrate sets
 * (platform-compute:migrationWeight, migrationEcsTargetGroup) split the production rule between the two;
 * platform-compute:migrationPhase drained scales ECS to zero.
 */
import { beforeAll, describe, expect, it } from "vitest";
import { environmentRootWith } from "@platform/infra/testing";
import { SERVICE_CHART_PATH } from "@platform/infra";
import { runComputeProgram, TYPES, type ComputeRun } from "./compute-harness";

const RULE = `${TYPES.listenerRule}::service-production-rule`;

/** A scratch root holding the real Pulumi.yaml and the environment's file migrating to eks (without a mesh). */
function migrating(name: "prod" | "staging", settings: Record<string, unknown> = {}): string {
  return environmentRootWith(name, { "platform:computeMigrateTo": "eks", "platform:meshMode": "none", "platform:meshMtls": false, ...settings });
}

/** The production rule's forward, as target group names and weights (a plain forward is one group at 100). */
function forwardOf(run: ComputeRun): Record<string, number> {
  const rule = run.resources.find((r) => r.type === TYPES.listenerRule && r.name === "service-production-rule")!;
  const action = (rule.inputs.actions as any[])[0];
  const nameOf = (arn: string) => run.resources.find((r) => r.type === TYPES.targetGroup && run.arnOf(r) === arn)!.name;
  if (action.targetGroupArn) return { [nameOf(action.targetGroupArn)]: 100 };
  return Object.fromEntries((action.forward.targetGroups as { arn: string; weight: number }[]).map((g) => [nameOf(g.arn), g.weight]));
}

const ignored = (run: ComputeRun) => run.options.get(RULE)?.ignoreChanges ?? [];

function bindingOf(run: ComputeRun): any {
  return (run.resources.find((r) => r.type === "kubernetes:helm.sh/v3:Release" && r.inputs.chart === SERVICE_CHART_PATH)?.inputs.values as any)
    .targetGroupBinding;
}

const arnOfGroup = (run: ComputeRun, name: string) => run.arnOf(run.resources.find((r) => r.type === TYPES.targetGroup && r.name === name)!);

describe("compute layer migrating prod (canary delivery) from ECS to EKS with weighted target groups", () => {
  let started: ComputeRun;
  let ten: ComputeRun;
  let fifty: ComputeRun;
  let drained: ComputeRun;
  let back: ComputeRun;
  beforeAll(async () => {
    const rootDir = migrating("prod");
    started = await runComputeProgram("prod", {}, { rootDir });
    // ECS's last canary left traffic on green: devctl records that group, which keeps ECS's share.
    ten = await runComputeProgram("prod", { migrationWeight: "10", migrationEcsTargetGroup: "green" }, { rootDir });
    fifty = await runComputeProgram("prod", { migrationWeight: "50", migrationEcsTargetGroup: "green" }, { rootDir });
    drained = await runComputeProgram("prod", { migrationWeight: "100", migrationEcsTargetGroup: "green", migrationPhase: "drained" }, { rootDir });
    back = await runComputeProgram("prod", { migrationWeight: "0", migrationEcsTargetGroup: "green" }, { rootDir });
  }, 120_000);

  it("runs both platforms behind one ALB, each in its own target group: ECS's blue and green, the pods' own", () => {
    expect(started.resources.filter((r) => r.type === TYPES.service)).toHaveLength(1);
    expect(started.resources.filter((r) => r.type === "aws:eks/cluster:Cluster")).toHaveLength(1);
    expect(started.resources.filter((r) => r.type === TYPES.loadBalancer)).toHaveLength(1);
    expect(
      started.resources
        .filter((r) => r.type === TYPES.targetGroup)
        .map((r) => r.name)
        .sort(),
    ).toEqual(["service-blue", "service-green", "service-pods"]);
    for (const group of started.resources.filter((r) => r.type === TYPES.targetGroup)) {
      expect((group.inputs as any).tags).toMatchObject({ "eks:eks-cluster-name": "prod-release-ledger" });
    }
  });

  it("before devctl sets a weight, leaves the rule to ECS's canary and sends the pods nothing", () => {
    expect(forwardOf(started)).toEqual({ "service-blue": 100, "service-green": 0 });
    expect(ignored(started)).toContain("actions");
    expect(bindingOf(started)).toEqual({ enabled: true, migrationTargetGroupArn: arnOfGroup(started, "service-pods"), multiCluster: true });
  });

  it("forwards each step's percent to the pods and the rest to the ECS group that served, with Pulumi owning the weights", () => {
    expect(forwardOf(ten)).toEqual({ "service-blue": 0, "service-green": 90, "service-pods": 10 });
    expect(forwardOf(fifty)).toEqual({ "service-blue": 0, "service-green": 50, "service-pods": 50 });
    expect(forwardOf(drained)).toEqual({ "service-blue": 0, "service-green": 0, "service-pods": 100 });
    for (const run of [ten, fifty, drained, back]) expect(ignored(run)).not.toContain("actions");
  });

  it("at 0 % takes the pods' group out of the rule, so ending the migration can delete it", () => {
    expect(forwardOf(back)).toEqual({ "service-blue": 0, "service-green": 100 });
  });

  it("drained: scales ECS to zero, binds the pods into blue as well (what the finished migration serves from), counts the pods", () => {
    expect(ten.recorder.one(TYPES.scalingTarget).inputs).toMatchObject({
      minCapacity: ten.environment.service.minTasks,
      maxCapacity: ten.environment.service.maxTasks,
    });
    expect(drained.recorder.one(TYPES.scalingTarget).inputs).toMatchObject({ minCapacity: 0, maxCapacity: 0 });
    expect(bindingOf(ten)).not.toHaveProperty("targetGroupArn");
    expect(bindingOf(drained)).toEqual({
      enabled: true,
      targetGroupArn: arnOfGroup(drained, "service-blue"),
      migrationTargetGroupArn: arnOfGroup(drained, "service-pods"),
      multiCluster: true,
    });
    const running = (run: ComputeRun) => run.resources.find((r) => r.type === TYPES.alarm && r.name.endsWith("running-tasks-low"))!.inputs as any;
    expect(running(ten)).toMatchObject({ namespace: "ECS/ContainerInsights" });
    expect(running(drained)).toMatchObject({ namespace: "AWS/ApplicationELB", metricName: "HealthyHostCount" });
    expect(running(drained).dimensions.TargetGroup).toBe(
      drained.resources.find((r) => r.type === TYPES.targetGroup && r.name === "service-pods")!.state.arnSuffix,
    );
  });

  it("watches the pods' group for unhealthy targets beside ECS's", () => {
    const unhealthy = ten.resources.find((r) => r.type === TYPES.alarm && r.name.endsWith("unhealthy-hosts"))!.inputs as any;
    const groups = (unhealthy.metricQueries as any[]).filter((q) => q.metric?.dimensions?.TargetGroup).map((q) => q.metric.dimensions.TargetGroup);
    expect(groups).toHaveLength(3);
    expect(groups).toContain(ten.resources.find((r) => r.type === TYPES.targetGroup && r.name === "service-pods")!.state.arnSuffix);
  });

  it("refuses a weight without the ECS group on canary delivery before anything is registered, naming the key", async () => {
    const { computeProgram } = await import("../src/program.js");
    const { loadEnvironment } = await import("@platform/infra/environment");
    const before = back.recorder.resources.length;
    expect(() => computeProgram(loadEnvironment("prod", { rootDir: migrating("prod") }), { migrationWeight: "10" })).toThrow(
      /platform-compute:migrationEcsTargetGroup is unset/,
    );
    expect(back.recorder.resources.length).toBe(before);
  });
});

describe("compute layer migrating staging on rolling delivery with weighted target groups", () => {
  it("splits blue and the pods' group by the weight, and is a plain forward to blue at 0 %", async () => {
    const rootDir = migrating("staging", { "platform:deploymentStrategy": "rolling" });
    const ten = await runComputeProgram("staging", { migrationWeight: "10" }, { rootDir });
    expect(forwardOf(ten)).toEqual({ "service-blue": 90, "service-pods": 10 });
    const zero = await runComputeProgram("staging", { migrationWeight: "0" }, { rootDir });
    expect(forwardOf(zero)).toEqual({ "service-blue": 100 });
    expect((zero.resources.find((r) => r.name === "service-production-rule")!.inputs.actions as any[])[0].targetGroupArn).toBe(
      arnOfGroup(zero, "service-blue"),
    );
  }, 120_000);
});

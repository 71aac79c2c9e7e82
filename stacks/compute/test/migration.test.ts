/* eslint-disable @typescript-eslint/no-explicit-any -- recorded mock inputs are untyped JSON; the assertions give them shape. */
/**
 * The compute layer while prod moves from ECS to EKS (computeMigrateTo: eks): ECS keeps the origin, the pods join
 * its target groups beside the tasks, and the phase devctl sets (platform-compute:migrationPhase) drains ECS.
 */
import * as fs from "node:fs";
import * as os from "node:os";
import * as path from "node:path";
import { beforeAll, describe, expect, it } from "vitest";
import { parse, stringify } from "yaml";
import { REPOSITORY_ROOT } from "@platform/infra/environment";
import { SERVICE_CHART_PATH } from "@platform/infra";
import { runComputeProgram, type ComputeRun } from "./compute-harness";

const TARGET_GROUP = "aws:lb/targetGroup:TargetGroup";
const SCALABLE_TARGET = "aws:appautoscaling/target:Target";

/** A scratch root holding the real Pulumi.yaml and prod's file migrating to eks. */
function prodMigrating(): string {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), "compute-migration-"));
  fs.copyFileSync(path.join(REPOSITORY_ROOT, "Pulumi.yaml"), path.join(dir, "Pulumi.yaml"));
  const prod = parse(fs.readFileSync(path.join(REPOSITORY_ROOT, "Pulumi.prod.yaml"), "utf8")) as { config: Record<string, unknown> };
  prod.config["platform:computeMigrateTo"] = "eks";
  fs.writeFileSync(path.join(dir, "Pulumi.prod.yaml"), stringify(prod));
  return dir;
}

describe("compute layer migrating prod from ECS to EKS", () => {
  let alongside: ComputeRun;
  let drained: ComputeRun;
  beforeAll(async () => {
    const rootDir = prodMigrating();
    alongside = await runComputeProgram("prod", {}, { rootDir });
    drained = await runComputeProgram("prod", { migrationPhase: "drained" }, { rootDir });
  }, 60_000);

  it("runs both platforms behind one ALB: ECS keeps the origin, the cluster builds none", () => {
    expect(alongside.resources.filter((r) => r.type === "aws:ecs/service:Service")).toHaveLength(1);
    expect(alongside.resources.filter((r) => r.type === "aws:eks/cluster:Cluster")).toHaveLength(1);
    expect(alongside.resources.filter((r) => r.type === "aws:lb/loadBalancer:LoadBalancer")).toHaveLength(1);
    expect(
      alongside.resources
        .filter((r) => r.type === TARGET_GROUP)
        .map((r) => r.name)
        .sort(),
    ).toEqual(["service-blue", "service-green"]);
  });

  it("binds the pods into every ECS target group as one of several registrants, each tagged for the cluster", () => {
    const groups = alongside.resources.filter((r) => r.type === TARGET_GROUP);
    for (const group of groups) expect((group.inputs as any).tags).toMatchObject({ "eks:eks-cluster-name": "prod-release-ledger" });
    const values = alongside.resources.find((r) => r.type === "kubernetes:helm.sh/v3:Release" && r.inputs.chart === SERVICE_CHART_PATH)?.inputs.values as any;
    expect(values.targetGroupBinding).toEqual({
      enabled: true,
      targetGroupArn: alongside.arnOf(groups.find((g) => g.name === "service-blue")!),
      additionalTargetGroupArns: [alongside.arnOf(groups.find((g) => g.name === "service-green")!)],
      multiCluster: true,
    });
  });

  it("keeps ECS at its task counts alongside, and scales it to zero when drained", () => {
    expect(alongside.recorder.one(SCALABLE_TARGET).inputs).toMatchObject({
      minCapacity: alongside.environment.service.minTasks,
      maxCapacity: alongside.environment.service.maxTasks,
    });
    expect(drained.recorder.one(SCALABLE_TARGET).inputs).toMatchObject({ minCapacity: 0, maxCapacity: 0 });
  });

  it("counts running copies as healthy targets of the serving group, whichever platform they are on", () => {
    for (const run of [alongside, drained]) {
      const running = run.resources.find((r) => r.type === "aws:cloudwatch/metricAlarm:MetricAlarm" && r.name.endsWith("running-tasks-low"));
      expect(running?.inputs).toMatchObject({ namespace: "AWS/ApplicationELB", metricName: "HealthyHostCount" });
    }
  });
});

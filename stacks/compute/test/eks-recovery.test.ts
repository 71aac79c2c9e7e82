import * as fs from "node:fs";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { environmentRootWith } from "@platform/infra/testing";
import { runComputeProgram, type ComputeRun } from "./compute-harness";

// prod-dr when prod runs on EKS: Pulumi.prod.yaml as it is, with computePlatform eks (prod itself stays on ECS).
const dir = environmentRootWith("prod", { "platform:computePlatform": "eks" });
afterAll(() => fs.rmSync(dir, { recursive: true, force: true }));

const CLUSTER = "aws:eks/cluster:Cluster";
const LOAD_BALANCER = "aws:lb/loadBalancer:LoadBalancer";

/** The deletion protection of the cluster and the ALB registered from `from` on. */
function protection(run: ComputeRun, from = 0) {
  const registered = run.recorder.resources.slice(from);
  return {
    cluster: registered.find((r) => r.type === CLUSTER)?.inputs.deletionProtection,
    loadBalancer: registered.find((r) => r.type === LOAD_BALANCER)?.inputs.enableDeletionProtection,
  };
}

let run: ComputeRun;
beforeAll(async () => {
  run = await runComputeProgram("prod-dr", {}, { rootDir: dir });
});

describe("compute layer on EKS, prod-dr restored for real (devctl dr restore)", () => {
  it("keeps the cluster and the ALB protected: it may take production's traffic", () => {
    expect(run.environment.compute.platform).toBe("eks");
    expect(protection(run)).toEqual({ cluster: true, loadBalancer: true });
  });
});

describe("compute layer on EKS, prod-dr as a restore drill (platform-compute:disposable)", () => {
  it("leaves neither the cluster nor the ALB protected, so `devctl dr drill` can destroy the copy it smoke-tested", async () => {
    const { computeProgram } = await import("../src/program.js");
    const before = run.recorder.resources.length;
    computeProgram(run.environment, { disposable: true });
    await new Promise((resolve) => setTimeout(resolve, 100));
    expect(protection(run, before)).toEqual({ cluster: false, loadBalancer: false });
  });
});

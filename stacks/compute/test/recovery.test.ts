import { beforeAll, describe, expect, it } from "vitest";
import { runComputeProgram, TYPES, type ComputeRun } from "./compute-harness";

const IMAGE = `123456789012.dkr.ecr.eu-central-1.amazonaws.com/prod-release-ledger@sha256:${"a".repeat(64)}`;
const ALB_LOGS = "service-alb-logs";
const EDGE_LOGS = "edge-logs";

/** The access-log buckets and the load balancer of the resources registered from `from` on. */
function deletionBehaviour(run: ComputeRun, from = 0) {
  const registered = run.recorder.resources.slice(from);
  const bucket = (name: string) => registered.find((r) => r.type === TYPES.bucket && r.name === name)?.inputs;
  return {
    albLogs: bucket(ALB_LOGS)?.forceDestroy,
    edgeLogs: bucket(EDGE_LOGS)?.forceDestroy,
    albDeletionProtection: registered.find((r) => r.type === TYPES.loadBalancer)?.inputs.enableDeletionProtection,
  };
}

let run: ComputeRun;
beforeAll(async () => {
  run = await runComputeProgram("prod-dr", { image: IMAGE });
});

describe("compute layer, prod-dr restored for real (devctl dr restore)", () => {
  it("keeps production's logs and deletion protection: it may take production's traffic", () => {
    expect(deletionBehaviour(run)).toEqual({ albLogs: false, edgeLogs: false, albDeletionProtection: true });
  });
});

describe("compute layer, prod-dr as a restore drill (platform-compute:disposable)", () => {
  it("can be destroyed after the smoke run wrote logs: both log buckets are emptied on delete, the ALB unprotected", async () => {
    const { computeProgram } = await import("../src/program.js");
    const before = run.recorder.resources.length;
    computeProgram(run.environment, { image: IMAGE, disposable: true });
    await new Promise((resolve) => setTimeout(resolve, 100));
    expect(deletionBehaviour(run, before)).toEqual({ albLogs: true, edgeLogs: true, albDeletionProtection: false });
  });

  it("is refused for an environment that is not a recovery environment, before anything is registered", async () => {
    const { computeProgram } = await import("../src/program.js");
    const { loadEnvironment } = await import("@platform/infra/environment");
    const before = run.recorder.resources.length;
    expect(() => computeProgram(loadEnvironment("prod"), { image: IMAGE, disposable: true })).toThrow(
      /prod is not a recovery environment; platform-compute:disposable is only for a restore drill's <env>-dr stack/,
    );
    expect(run.recorder.resources.length).toBe(before);
  });
});

describe("compute layer, prod-dr deployed while it serves prod's host name (platform-compute:servingCutover)", () => {
  const distributionAliases = (from: number) =>
    run.recorder.resources.slice(from).find((r) => r.type === "aws:cloudfront/distribution:Distribution")?.inputs.aliases;

  it("keeps prod's host name on its distribution, so the deploy does not take the name off the serving edge", async () => {
    const { computeProgram } = await import("../src/program.js");
    expect(distributionAliases(0)).toEqual([run.environment.dns.domainName]);
    const before = run.recorder.resources.length;
    computeProgram(run.environment, { image: IMAGE, servingCutover: true });
    await new Promise((resolve) => setTimeout(resolve, 100));
    expect(distributionAliases(before)).toEqual([run.environment.dns.domainName, run.environment.dns.domainName.replace(/^dr\./, "")]);
  });

  it("is refused outside a recovery environment, and for a drill's copy", async () => {
    const { computeProgram } = await import("../src/program.js");
    const { loadEnvironment } = await import("@platform/infra/environment");
    expect(() => computeProgram(loadEnvironment("prod"), { image: IMAGE, servingCutover: true })).toThrow(
      /prod is not a recovery environment; platform-compute:servingCutover is only for <env>-dr/,
    );
    expect(() => computeProgram(run.environment, { image: IMAGE, servingCutover: true, disposable: true })).toThrow(/a restore drill's copy never serves/);
  });
});

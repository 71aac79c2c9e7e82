/* eslint-disable @typescript-eslint/no-explicit-any -- recorded mock inputs are untyped JSON; the assertions give them shape. */
/**
 * A promotion (or rollback): prod is given an image digest. It must build nothing and run exactly that
 * digest; a malformed reference must fail before anything is registered.
 */
import { beforeAll, describe, expect, it } from "vitest";
import { loadEnvironment } from "@platform/infra/environment";
import { containerOf, REGISTRY, runComputeProgram, TYPES, type ComputeRun } from "./compute-harness";

const STAGING_DIGEST = `sha256:${"ab".repeat(32)}`;
const PROMOTED = `${REGISTRY}/staging-release-ledger@${STAGING_DIGEST}`;

let run: ComputeRun;
beforeAll(async () => {
  run = await runComputeProgram("prod", { image: PROMOTED });
});

describe("compute layer, prod: promotion of a staging digest", () => {
  it("builds nothing: no docker image resource at all", () => {
    expect(run.resources.filter((r) => r.type === TYPES.image)).toEqual([]);
    expect(run.resources.filter((r) => r.type.startsWith("docker:"))).toEqual([]);
  });

  it("the task definition runs exactly the given digest, and the outputs say so", () => {
    expect(containerOf(run.recorder.one(TYPES.taskDefinition)).image).toBe(PROMOTED);
    expect(run.outputs.imageRef).toBe(PROMOTED);
    expect(run.outputs.imageDigest).toBe(STAGING_DIGEST);
  });

  it("keeps prod's own repository and lets the execution role pull from the image's repository too", () => {
    expect(run.outputs.ecrRepositoryUrl).toBe(`${REGISTRY}/prod-release-ledger`);
    const policy = JSON.parse(String(run.recorder.one(TYPES.rolePolicy, "service-execution-policy").inputs.policy));
    const pull = policy.Statement.find((s: any) => s.Sid === "EcrPull");
    expect(pull.Resource).toEqual([run.arnOf(run.recorder.one(TYPES.repository)), "arn:aws:ecr:eu-west-1:123456789012:repository/staging-release-ledger"]);
  });

  it("still deploys canary with alarm rollback", () => {
    const service = run.recorder.one(TYPES.service).inputs as any;
    expect(service.deploymentConfiguration.strategy).toBe("CANARY");
    expect(service.alarms).toMatchObject({ enable: true, rollback: true });
  });
});

describe("compute layer: an invalid image reference", () => {
  it("fails with a message naming the config key, the problem and the expected form, registering nothing", async () => {
    const { computeProgram } = await import("../src/program.js");
    const before = run.recorder.resources.length;
    const prod = loadEnvironment("prod");
    expect(() => computeProgram(prod, { image: `${REGISTRY}/staging-release-ledger:v1.2.3` })).toThrow(
      /platform-compute:image ".*:v1\.2\.3" is pinned by tag.*@sha256:<digest>.*e\.g\./,
    );
    expect(() => computeProgram(prod, { image: `${REGISTRY}/staging-release-ledger@sha256:1234` })).toThrow(/64 lower-case hex/);
    expect(() => computeProgram(prod, { image: `ghcr.io/acme/ledger@${STAGING_DIGEST}` })).toThrow(/not an ECR registry/);
    await new Promise((resolve) => setTimeout(resolve, 50));
    expect(run.recorder.resources.length).toBe(before);
  });
});

import * as fs from "node:fs";
import * as os from "node:os";
import * as path from "node:path";
import { describe, expect, it } from "vitest";
import { parse, stringify } from "yaml";
import { loadEnvironment, MIGRATION_PHASE_KEY, REPOSITORY_ROOT, type Environment } from "@platform/infra/environment";
import { harness, type Harness } from "../../test/memory-services";
import { recordingIo } from "../../test/recording-io";
import type { StackRef } from "../engine/engine";
import { DevctlError, ExitCode } from "../errors";
import { migrate } from "./migrate";

/** An environment file as the reviewed change that starts a migration makes it: computeMigrateTo eks. */
function migrating(name: "staging" | "prod"): Environment {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), "devctl-migrate-"));
  fs.copyFileSync(path.join(REPOSITORY_ROOT, "Pulumi.yaml"), path.join(dir, "Pulumi.yaml"));
  const file = parse(fs.readFileSync(path.join(REPOSITORY_ROOT, `Pulumi.${name}.yaml`), "utf8")) as { config: Record<string, unknown> };
  file.config["platform:computeMigrateTo"] = "eks";
  // A migration runs without a mesh (computeMigrateTo's rule): staging turns Service Connect off first.
  file.config["platform:meshMode"] = "none";
  file.config["platform:meshMtls"] = false;
  fs.writeFileSync(path.join(dir, `Pulumi.${name}.yaml`), stringify(file));
  return loadEnvironment(name, { rootDir: dir });
}

function setup(name: "staging" | "prod", io = recordingIo()) {
  const h: Harness = harness();
  for (const layer of ["network", "data", "compute"] as const) h.deploy(name, layer);
  const ref: StackRef = { environment: name, layer: "compute" };
  const context = async () => ({ io, environment: migrating(name), services: await h.factory(migrating(name), io) });
  const phase = () => h.engine.stack(ref).config[MIGRATION_PHASE_KEY];
  const messages = () => h.engine.stack(ref).history.map((r) => r.message);
  return { h, io, ref, context, phase, messages };
}

async function failure(run: Promise<unknown>): Promise<DevctlError> {
  try {
    await run;
  } catch (error) {
    if (error instanceof DevctlError) return error;
    throw error;
  }
  throw new Error("expected a DevctlError");
}

describe("devctl migrate <env> --to eks", () => {
  it("deploys EKS alongside, gates on the alarms, drains ECS, gates again, and names the finishing change", async () => {
    const { h, context, phase, messages } = setup("staging");
    const report = await migrate(await context(), { to: "eks", back: false, yes: false });
    expect(report).toMatchObject({ environment: "staging", from: "ecs", to: "eks", phase: "drained" });
    expect(report.steps.map((s) => s.phase)).toEqual(["alongside", "drained"]);
    expect(phase()).toBe("drained");
    expect(messages().slice(-2)).toEqual([
      "devctl migrate staging --to eks: eks runs alongside ecs in the same target groups",
      "devctl migrate staging --to eks: ecs drained, eks serves alone",
    ]);
    // Every alarm of the service (its running-copies alarm counts healthy targets of both platforms) for the bake.
    expect(h.soak.requests).toHaveLength(2);
    expect(h.soak.requests[0]!.alarms.map((a) => a.name)).toContain("staging-5xx");
    expect(h.soak.requests[0]!.minutes).toBe(loadEnvironment("staging").deployment.bakeMinutes);
    expect(report.next).toContain("computePlatform: eks");
    expect(report.next).toContain("remove computeMigrateTo");
  });

  it("does not drain ECS when EKS alongside is not healthy, and leaves both serving", async () => {
    const { h, context, phase } = setup("staging");
    h.soak.result = { ok: false, problems: ["staging-5xx went to ALARM"] };
    const error = await failure(migrate(await context(), { to: "eks", back: false, yes: false }));
    expect(error.code).toBe("OPERATION_FAILED");
    expect(error.message).toContain("staging-5xx went to ALARM");
    expect(error.suggestion).toContain("remove computeMigrateTo");
    expect(phase()).toBeUndefined();
  });

  it("brings ECS back when EKS alone fails its alarms, so a bad drain is undone at once", async () => {
    const { h, context, phase, messages } = setup("staging");
    const results = [
      { ok: true, problems: [] },
      { ok: false, problems: ["staging-5xx went to ALARM"] },
    ];
    h.soak.check = (request) => {
      h.soak.requests.push(request);
      return Promise.resolve(results.shift() ?? { ok: true, problems: [] });
    };
    const error = await failure(migrate(await context(), { to: "eks", back: false, yes: false }));
    expect(error.code).toBe("DEPLOYMENT_ROLLED_BACK");
    expect(phase()).toBeUndefined();
    expect(messages().at(-1)).toBe("devctl migrate staging --to eks: drain undone, ecs serves beside eks again");
  });

  it("--back from drained brings ECS back beside EKS, and says how to remove EKS from there", async () => {
    const { h, ref, context, phase, messages } = setup("staging");
    await h.engine.setConfig(ref, MIGRATION_PHASE_KEY, "drained");
    const report = await migrate(await context(), { to: "eks", back: true, yes: false });
    expect(phase()).toBeUndefined();
    expect(report.phase).toBe("alongside");
    expect(messages().at(-1)).toBe("devctl migrate staging --to eks --back: ecs serves again beside eks");
    const again = await migrate(await context(), { to: "eks", back: true, yes: false });
    expect(again.steps).toEqual([]);
    expect(again.next).toContain("remove computeMigrateTo");
  });

  it("on a drained environment moving forward changes nothing and names the finishing change", async () => {
    const { h, ref, context } = setup("staging");
    await h.engine.setConfig(ref, MIGRATION_PHASE_KEY, "drained");
    const before = h.engine.stack(ref).history.length;
    const report = await migrate(await context(), { to: "eks", back: false, yes: false });
    expect(report.steps).toEqual([]);
    expect(h.engine.stack(ref).history).toHaveLength(before);
  });

  it("asks for production's name (or --yes) before changing anything", async () => {
    const { h, ref, context } = setup("prod", recordingIo({ interactive: false }));
    const before = h.engine.stack(ref).history.length;
    const error = await failure(migrate(await context(), { to: "eks", back: false, yes: false }));
    expect(error.code).toBe("CONFIRMATION_REQUIRED");
    expect(h.engine.stack(ref).history).toHaveLength(before);
    const typed = setup("prod", recordingIo({ interactive: true, answers: ["prod"] }));
    await expect(migrate(await typed.context(), { to: "eks", back: false, yes: false })).resolves.toMatchObject({ phase: "drained" });
  });
});

describe("devctl migrate through the command line", () => {
  it("refuses an environment whose file does not name the migration, saying which setting to add", async () => {
    const h = harness();
    const { code, stderr } = await h.run(["migrate", "staging", "--to", "eks"]);
    expect(code).toBe(ExitCode.Usage);
    expect(stderr).toContain("computeMigrateTo: eks");
    expect(stderr).toContain("Pulumi.staging.yaml");
  });

  it("refuses a platform it cannot migrate to, naming the allowed ones", async () => {
    const { code, stderr } = await harness().run(["migrate", "staging", "--to", "lambda"]);
    expect(code).toBe(ExitCode.Usage);
    expect(stderr).toContain("--to must be ecs or eks");
  });
});

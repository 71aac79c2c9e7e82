import { describe, expect, it } from "vitest";
import { environmentRootWith } from "@platform/infra/testing";
import { loadEnvironment, MIGRATION_ECS_TARGET_GROUP_KEY, MIGRATION_PHASE_KEY, MIGRATION_WEIGHT_KEY, type Environment } from "@platform/infra/environment";
import { harness, image, type Harness } from "../../test/memory-services";
import { recordingIo } from "../../test/recording-io";
import { IMAGE_CONFIG_KEY, type StackRef } from "../engine/engine";
import { DevctlError, ExitCode } from "../errors";
import type { Services, SoakResult } from "../services/services";
import { migrate, parseMigrationSteps } from "./migrate";
import { guardMigrationWeights } from "./migration-state";

/** An environment file as the reviewed change that starts a migration makes it: computeMigrateTo eks. */
function migrating(name: "staging" | "prod", settings: Record<string, unknown> = {}): Environment {
  // A migration runs without a mesh (computeMigrateTo's rule): staging turns Service Connect off first.
  const rootDir = environmentRootWith(name, { "platform:computeMigrateTo": "eks", "platform:meshMode": "none", "platform:meshMtls": false, ...settings });
  return loadEnvironment(name, { rootDir });
}

const GREEN = (env: string) => `arn:aws:elasticloadbalancing:eu-west-1:123456789012:targetgroup/${env}-green/0123456789abcdef`;

/**
 * The in-memory services, with what a migration adds: a clock that records each bake instead of waiting, the soak
 * gate answering from `results` in order (OK once they run out), and the production rule serving from green.
 */
function setup(name: "staging" | "prod", options: { io?: ReturnType<typeof recordingIo>; settings?: Record<string, unknown> } = {}) {
  const io = options.io ?? recordingIo();
  const h: Harness = harness();
  for (const layer of ["network", "data", "compute"] as const) h.deploy(name, layer);
  const ref: StackRef = { environment: name, layer: "compute" };
  const events: string[] = [];
  const results: SoakResult[] = [];
  h.soak.check = (request) => {
    h.soak.requests.push(request);
    events.push(`check ${request.minutes}`);
    return Promise.resolve(results.shift() ?? { ok: true, problems: [] });
  };
  const environment = migrating(name, options.settings);
  const context = async (extra: Partial<Services> = {}) => ({
    io,
    environment,
    services: {
      ...(await h.factory(environment, io)),
      sleep: (ms: number) => {
        events.push(`bake ${ms / 60_000}`);
        return Promise.resolve();
      },
      traffic: () => Promise.resolve({ servingTargetGroupArn: GREEN(name) }),
      ...extra,
    },
  });
  const config = () => h.engine.stack(ref).config;
  /** Each update's weight and phase, in order, as the stack's history keeps its config. */
  const updates = (since = 0) =>
    h.engine
      .stack(ref)
      .history.slice(since)
      .map((r) => `${r.config[MIGRATION_WEIGHT_KEY] ?? "-"}${r.config[MIGRATION_PHASE_KEY] === "drained" ? " drained" : ""}`);
  /** The compute layer as last deployed with these migration settings (in the stack's history, not this checkout's config). */
  const deployedWith = (settings: Record<string, string>) => h.addHistory(ref, { message: "an earlier devctl migrate", config: settings });
  return { h, io, ref, context, config, updates, events, results, environment, deployedWith };
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

const ALARM: SoakResult = { ok: false, problems: ["staging-5xx went to ALARM"] };

describe("devctl migrate <env> --to eks: weighted steps gated by the alarms", () => {
  it("takes the rule at 0 %, then moves EKS's weight 10 -> 50 -> 100 and drains ECS, baking each step before the gate", async () => {
    const { context, updates, events, h, environment, config } = setup("staging");
    const before = h.engine.stack({ environment: "staging", layer: "compute" }).history.length;
    const report = await migrate(await context(), { to: "eks", back: false, yes: false });
    expect(updates(before)).toEqual(["0", "10", "50", "100", "100 drained"]);
    expect(report).toMatchObject({ environment: "staging", from: "ecs", to: "eks", percent: 100, drained: true });
    expect(report.steps.map((s) => s.message)).toEqual([
      "devctl migrate staging --to eks: eks takes 0%, ecs 100%",
      "devctl migrate staging --to eks: eks takes 10%, ecs 90%",
      "devctl migrate staging --to eks: eks takes 50%, ecs 50%",
      "devctl migrate staging --to eks: eks takes 100%, ecs 0%",
      "devctl migrate staging --to eks: eks serves alone, ecs drained",
    ]);
    // Each step takes requests for the bake time first; only then does promote's gate judge that window.
    const minutes = environment.deployment.bakeMinutes;
    expect(events).toEqual(Array.from({ length: 5 }, () => [`bake ${minutes}`, `check ${minutes}`]).flat());
    expect(h.soak.requests[0]!.alarms.map((a) => a.name)).toEqual(["staging-5xx", "staging-cdn-5xx", "staging-requests"]);
    // Staging delivers by canary: the group ECS served from (green, read from the rule) keeps ECS's share.
    expect(config()[MIGRATION_ECS_TARGET_GROUP_KEY]).toBe("green");
    expect(report.next).toContain("computePlatform: eks");
  });

  it("pins the image that runs, so no step of the migration releases new code (staging otherwise builds from source)", async () => {
    const { context, h, ref } = setup("staging");
    const running = h.engine.stack(ref).outputs.imageRef;
    // A pin left in this checkout's stack config by an older promote is not what runs.
    await h.engine.setConfig(ref, IMAGE_CONFIG_KEY, image("stale"));
    const before = h.engine.stack(ref).history.length;
    await migrate(await context(), { to: "eks", back: false, yes: false });
    const images = h.engine
      .stack(ref)
      .history.slice(before)
      .map((r) => r.config[IMAGE_CONFIG_KEY]);
    expect(images).toEqual(Array.from({ length: 5 }, () => running));
  });

  it("an alarm stops the walk and puts the weight back to the last step that passed, then resumes from there", async () => {
    const { context, updates, config, results, io, h, ref } = setup("staging");
    results.push({ ok: true, problems: [] }, { ok: true, problems: [] }, ALARM);
    const before = h.engine.stack(ref).history.length;
    const error = await failure(migrate(await context(), { to: "eks", back: false, yes: false }));
    expect(error.code).toBe("DEPLOYMENT_ROLLED_BACK");
    expect(error.message).toContain("eks takes 50%, ecs 50% failed the alarms, so the requests were put back to eks takes 10%, ecs 90%");
    expect(error.message).toContain("staging-5xx went to ALARM");
    expect(error.suggestion).toContain("resume with devctl migrate staging --to eks");
    expect(updates(before)).toEqual(["0", "10", "50", "10"]);
    expect(config()[MIGRATION_WEIGHT_KEY]).toBe("10");
    expect(io.stderr.join("\n")).toContain("staging: put back to eks takes 10%, ecs 90%");

    const resumed = await migrate(await context(), { to: "eks", back: false, yes: false });
    expect(updates(before + 4)).toEqual(["50", "100", "100 drained"]);
    expect(resumed.drained).toBe(true);
  });

  it("an alarm on the first step with requests puts EKS back to 0 %", async () => {
    const { context, updates, results, h, ref } = setup("staging");
    results.push({ ok: true, problems: [] }, ALARM);
    const before = h.engine.stack(ref).history.length;
    expect((await failure(migrate(await context(), { to: "eks", back: false, yes: false }))).code).toBe("DEPLOYMENT_ROLLED_BACK");
    expect(updates(before)).toEqual(["0", "10", "0"]);
  });

  it("an alarm with EKS drained brings ECS's tasks back at 0 % of the requests", async () => {
    const { context, updates, results, h, ref } = setup("staging");
    results.push(...Array.from({ length: 4 }, () => ({ ok: true, problems: [] })), ALARM);
    const before = h.engine.stack(ref).history.length;
    await failure(migrate(await context(), { to: "eks", back: false, yes: false }));
    expect(updates(before)).toEqual(["0", "10", "50", "100", "100 drained", "100"]);
  });

  it("does not move any requests while the alarms are not OK with EKS deployed at 0 %", async () => {
    const { context, updates, results, h, ref } = setup("staging");
    results.push(ALARM);
    const before = h.engine.stack(ref).history.length;
    const error = await failure(migrate(await context(), { to: "eks", back: false, yes: false }));
    expect(error.code).toBe("OPERATION_FAILED");
    expect(error.message).toContain("no requests were moved");
    expect(updates(before)).toEqual(["0"]);
  });

  it("takes the steps --steps names", async () => {
    const { context, updates, h, ref } = setup("staging");
    const before = h.engine.stack(ref).history.length;
    const report = await migrate(await context(), { to: "eks", back: false, yes: false, steps: [25, 100] });
    expect(updates(before)).toEqual(["0", "25", "100", "100 drained"]);
    expect(report.steps[1]!.message).toBe("devctl migrate staging --to eks --steps 25,100: eks takes 25%, ecs 75%");
  });

  it("--back walks the steps down from drained to 0 %, then hands the rule back to ECS's delivery", async () => {
    const { context, updates, config, h, ref, deployedWith } = setup("staging");
    deployedWith({ [MIGRATION_WEIGHT_KEY]: "100", [MIGRATION_ECS_TARGET_GROUP_KEY]: "green", [MIGRATION_PHASE_KEY]: "drained" });
    const before = h.engine.stack(ref).history.length;
    const report = await migrate(await context(), { to: "eks", back: true, yes: false });
    expect(updates(before)).toEqual(["100", "50", "10", "0", "-"]);
    expect(report.steps[0]!.message).toBe("devctl migrate staging --to eks --back: eks takes 100%, ecs 0%");
    expect(report.steps.at(-1)!.message).toBe("devctl migrate staging --to eks --back: ecs's delivery owns the listener rule again");
    expect(config()[MIGRATION_WEIGHT_KEY]).toBeUndefined();
    expect(config()[MIGRATION_ECS_TARGET_GROUP_KEY]).toBeUndefined();
    expect(config()[MIGRATION_PHASE_KEY]).toBeUndefined();
    expect(report).toMatchObject({ percent: 0, drained: false });
    expect(report.next).toContain("remove computeMigrateTo");
  });

  it("an alarm on the way back puts the weight back up to the step that held", async () => {
    const { context, updates, results, h, ref, deployedWith } = setup("staging");
    deployedWith({ [MIGRATION_WEIGHT_KEY]: "50", [MIGRATION_ECS_TARGET_GROUP_KEY]: "green" });
    results.push(ALARM);
    const before = h.engine.stack(ref).history.length;
    const error = await failure(migrate(await context(), { to: "eks", back: true, yes: false }));
    expect(error.code).toBe("DEPLOYMENT_ROLLED_BACK");
    expect(error.suggestion).toContain("resume with devctl migrate staging --to eks --back");
    expect(updates(before)).toEqual(["10", "50"]);
  });

  it("changes nothing where there is nothing to move: forward when drained, back before any weight", async () => {
    const { context, h, ref, deployedWith } = setup("staging");
    const before = h.engine.stack(ref).history.length;
    expect((await migrate(await context(), { to: "eks", back: true, yes: false })).steps).toEqual([]);
    deployedWith({ [MIGRATION_WEIGHT_KEY]: "100", [MIGRATION_ECS_TARGET_GROUP_KEY]: "green", [MIGRATION_PHASE_KEY]: "drained" });
    const report = await migrate(await context(), { to: "eks", back: false, yes: false });
    expect(report.steps).toEqual([]);
    expect(report.next).toContain("computePlatform: eks");
    expect(h.engine.stack(ref).history).toHaveLength(before + 1);
  });

  it("resumes from what was deployed, not from this checkout's stack config (a CI run or another machine has none)", async () => {
    const { context, updates, config, h, ref, deployedWith } = setup("staging");
    deployedWith({ [MIGRATION_WEIGHT_KEY]: "50", [MIGRATION_ECS_TARGET_GROUP_KEY]: "green" });
    expect(config()[MIGRATION_WEIGHT_KEY]).toBeUndefined();
    const before = h.engine.stack(ref).history.length;
    await migrate(await context({ traffic: () => Promise.reject(new Error("the rule is not read again once a weight is set")) }), {
      to: "eks",
      back: false,
      yes: false,
    });
    expect(updates(before)).toEqual(["100", "100 drained"]);
    expect(h.engine.stack(ref).history.at(-1)!.config[MIGRATION_ECS_TARGET_GROUP_KEY]).toBe("green");
  });

  it("keeps an ECS group set by hand before the first step instead of reading the rule", async () => {
    const { context, config, h, ref } = setup("staging");
    await h.engine.setConfig(ref, MIGRATION_ECS_TARGET_GROUP_KEY, "blue");
    await migrate(await context({ traffic: () => Promise.reject(new Error("not read")) }), { to: "eks", back: false, yes: false });
    expect(config()[MIGRATION_ECS_TARGET_GROUP_KEY]).toBe("blue");
  });

  it("on rolling delivery ECS serves from blue alone: nothing is read or recorded", async () => {
    let read = 0;
    const { context, config } = setup("staging", { settings: { "platform:deploymentStrategy": "rolling" } });
    await migrate(
      await context({
        traffic: () => {
          read++;
          return Promise.resolve(undefined);
        },
      }),
      { to: "eks", back: false, yes: false },
    );
    expect(read).toBe(0);
    expect(config()[MIGRATION_ECS_TARGET_GROUP_KEY]).toBeUndefined();
  });

  it("refuses to take the rule when it cannot tell which ECS group serves, before any update", async () => {
    const { context, h, ref } = setup("staging");
    const before = h.engine.stack(ref).history.length;
    const error = await failure(migrate(await context({ traffic: () => Promise.resolve(undefined) }), { to: "eks", back: false, yes: false }));
    expect(error.code).toBe("OPERATION_FAILED");
    expect(error.suggestion).toContain(`pulumi config set ${MIGRATION_ECS_TARGET_GROUP_KEY} blue|green`);
    expect(h.engine.stack(ref).history).toHaveLength(before);
  });

  it("refuses to take the rule while an ECS canary is moving requests between blue and green", async () => {
    const { context, h, ref, config } = setup("staging");
    const before = h.engine.stack(ref).history.length;
    const mid = () => Promise.resolve({ servingTargetGroupArn: GREEN("staging"), shared: true });
    const error = await failure(migrate(await context({ traffic: mid }), { to: "eks", back: false, yes: false }));
    expect(error.code).toBe("OPERATION_FAILED");
    expect(error.message).toContain("is moving requests between its target groups");
    expect(error.suggestion).toContain("devctl status staging");
    expect(h.engine.stack(ref).history).toHaveLength(before);
    expect(config()[MIGRATION_ECS_TARGET_GROUP_KEY]).toBeUndefined();
  });

  it("asks for production's name (or --yes) before changing anything", async () => {
    const { context, h, ref } = setup("prod", { io: recordingIo({ interactive: false }) });
    const before = h.engine.stack(ref).history.length;
    const error = await failure(migrate(await context(), { to: "eks", back: false, yes: false }));
    expect(error.code).toBe("CONFIRMATION_REQUIRED");
    expect(error.message).toContain("move requests to eks: 0%, 10%, 50%, 100%, drain");
    expect(h.engine.stack(ref).history).toHaveLength(before);
    const typed = setup("prod", { io: recordingIo({ interactive: true, answers: ["prod"] }) });
    await expect(migrate(await typed.context(), { to: "eks", back: false, yes: false })).resolves.toMatchObject({ drained: true });
  });
});

describe("a release of the compute layer during a migration", () => {
  it("refuses a canary release while devctl migrate holds the production rule's weights, naming how to hand the rule back", async () => {
    const { context, deployedWith } = setup("staging");
    const ctx = await context();
    await expect(guardMigrationWeights(ctx, "devctl promote staging")).resolves.toBeUndefined();
    deployedWith({ [MIGRATION_WEIGHT_KEY]: "50", [MIGRATION_ECS_TARGET_GROUP_KEY]: "green" });
    const error = await failure(guardMigrationWeights(ctx, "devctl promote staging"));
    expect(error.code).toBe("USAGE");
    expect(error.message).toContain("platform-compute:migrationWeight 50");
    expect(error.suggestion).toContain("devctl migrate staging --to eks --back (to 0%), run devctl promote staging, then devctl migrate again");
  });

  it("on rolling delivery releases as usual and keeps the deployed weights, even from a checkout without them", async () => {
    const rolling = setup("staging", { settings: { "platform:deploymentStrategy": "rolling" } });
    rolling.deployedWith({ [MIGRATION_WEIGHT_KEY]: "50" });
    expect(rolling.config()[MIGRATION_WEIGHT_KEY]).toBeUndefined();
    await expect(guardMigrationWeights(await rolling.context(), "devctl up staging")).resolves.toBeUndefined();
    expect(rolling.config()[MIGRATION_WEIGHT_KEY]).toBe("50");
  });

  it("previews with the deployed weights, so a pull request's preview does not show the requests going back to ECS", async () => {
    const { h, deployedWith } = setup("staging");
    deployedWith({ [MIGRATION_WEIGHT_KEY]: "50", [MIGRATION_ECS_TARGET_GROUP_KEY]: "green" });
    expect((await h.run(["preview", "staging", "--layer", "compute"])).code).toBe(ExitCode.Success);
    expect(h.engine.calls.filter((c) => c.startsWith("preview "))).toEqual([
      `preview staging/compute {"${IMAGE_CONFIG_KEY}":null,"${MIGRATION_WEIGHT_KEY}":"50","${MIGRATION_ECS_TARGET_GROUP_KEY}":"green"}`,
    ]);
  });

  it("drops the settings when the environment file finishes a drained migration (computePlatform: eks)", async () => {
    const finished = setup("staging");
    finished.deployedWith({ [MIGRATION_WEIGHT_KEY]: "100", [MIGRATION_ECS_TARGET_GROUP_KEY]: "green", [MIGRATION_PHASE_KEY]: "drained" });
    await finished.h.engine.setConfig(finished.ref, MIGRATION_WEIGHT_KEY, "100");
    const ctx = await finished.context();
    const eks = { ...ctx, environment: { ...ctx.environment, compute: { ...ctx.environment.compute, platform: "eks" as const, migrateTo: "none" as const } } };
    await guardMigrationWeights(eks, "devctl up staging");
    expect(finished.config()).not.toHaveProperty(MIGRATION_WEIGHT_KEY);
    expect(finished.config()).not.toHaveProperty(MIGRATION_PHASE_KEY);
    expect(finished.io.stderr.join("\n")).toContain("finishing the migration to eks");
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

  it.each([
    ["10,abc,100", '"abc" is not a whole number from 1 to 100'],
    ["0,50,100", '"0" is not a whole number from 1 to 100'],
    ["50,10,100", "the steps must rise"],
    ["10,50", "the last step must be 100"],
  ])("refuses --steps %s, naming the flag", async (steps, message) => {
    const { code, stderr } = await harness().run(["migrate", "staging", "--to", "eks", "--steps", steps]);
    expect(code).toBe(ExitCode.Usage);
    expect(stderr).toContain(`--steps ${steps}: ${message}`);
    expect(stderr).toContain("--steps 10,50,100");
  });

  it("parses --steps into percents", () => {
    expect(parseMigrationSteps("5, 25,100")).toEqual([5, 25, 100]);
    expect(parseMigrationSteps("100")).toEqual([100]);
  });
});

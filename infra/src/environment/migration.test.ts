import { describe, expect, it } from "vitest";
import { environmentRootWith } from "../testing/environment-files";
import { migrationPhase, migrationSettingsProblems, migrationWeights } from "./migration";
import { loadEnvironment } from "./load";

/** A scratch root with the real Pulumi.yaml and prod's file with one setting changed. */
const prodWith = (key: string, value: unknown): string => environmentRootWith("prod", { [key]: value });

describe("computeMigrateTo against the platform", () => {
  const base = { computePlatform: "ecs", computeMigrateTo: "none", meshMode: "none" } as const;

  it.each([[{}], [{ computeMigrateTo: "eks" }], [{ computePlatform: "lambda" }], [{ computePlatform: "eks" }]] as const)("accepts %j", (change) => {
    expect(migrationSettingsProblems({ ...base, ...change })).toEqual([]);
  });

  it.each([
    [{ computeMigrateTo: "ecs" }, "is ecs, the platform the environment already runs on; name the other platform (eks) or none"],
    [{ computePlatform: "lambda", computeMigrateTo: "eks" }, "the lambda platform has no target group to share"],
    [{ computePlatform: "eks", computeMigrateTo: "ecs" }, "EKS to ECS is not built yet"],
    [{ computeMigrateTo: "eks", meshMode: "service-connect" }, "set meshMode: none for the migration"],
  ] as const)("refuses %j, saying what to do", (change, message) => {
    expect(migrationSettingsProblems({ ...base, ...change })).toEqual([{ key: "computeMigrateTo", message: expect.stringContaining(message) }]);
  });

  it("is none by default, and the loader reports a bad value with the file and the key", () => {
    expect(loadEnvironment("staging").compute.migrateTo).toBe("none");
    const migrating = loadEnvironment("prod", { rootDir: prodWith("platform:computeMigrateTo", "eks") });
    expect(migrating.compute).toMatchObject({ platform: "ecs", migrateTo: "eks" });
    expect(() => loadEnvironment("prod", { rootDir: prodWith("platform:computeMigrateTo", "ecs") })).toThrow(/platform:computeMigrateTo.*already runs on/s);
    expect(() => loadEnvironment("prod", { rootDir: prodWith("platform:computeMigrateTo", "both") })).toThrow(/platform:computeMigrateTo.*none, ecs, eks/s);
  });
});

describe("the migration phase devctl sets (platform-compute:migrationPhase)", () => {
  const migrating = { compute: { migrateTo: "eks" } } as const;
  const steady = { compute: { migrateTo: "none" } } as const;

  it("is alongside by default while migrating, drained when devctl drained the old platform, and nothing otherwise", () => {
    expect(migrationPhase(migrating as never, undefined)).toBe("alongside");
    expect(migrationPhase(migrating as never, "drained")).toBe("drained");
    expect(migrationPhase(steady as never, undefined)).toBeUndefined();
  });

  it("refuses drained without a migration (nothing would serve) and any other value, naming the key", () => {
    expect(() => migrationPhase(steady as never, "drained")).toThrow(/platform-compute:migrationPhase is drained but computeMigrateTo is none.*--back/);
    expect(() => migrationPhase(migrating as never, "both")).toThrow('platform-compute:migrationPhase is "both"; it is drained or unset');
  });
});

describe("the weights devctl migrate moves (platform-compute:migrationWeight, platform-compute:migrationEcsTargetGroup)", () => {
  const canary = { compute: { migrateTo: "eks" }, deployment: { strategy: "canary" } } as const;
  const rolling = { compute: { migrateTo: "eks" }, deployment: { strategy: "rolling" } } as const;
  const steady = { compute: { migrateTo: "none" }, deployment: { strategy: "canary" } } as const;

  it("leaves the rule to ECS while no weight is set", () => {
    expect(migrationWeights(canary as never, {}, "alongside")).toBeUndefined();
    expect(migrationWeights(steady as never, {}, undefined)).toBeUndefined();
  });

  it("reads EKS's percent, and the ECS group that keeps the rest (blue on a rolling environment)", () => {
    expect(migrationWeights(canary as never, { weight: "10", ecsTargetGroup: "green" }, "alongside")).toEqual({ eksPercent: 10, ecsTargetGroup: "green" });
    expect(migrationWeights(rolling as never, { weight: "0" }, "alongside")).toEqual({ eksPercent: 0, ecsTargetGroup: "blue" });
    expect(migrationWeights(rolling as never, { weight: "100" }, "drained")).toEqual({ eksPercent: 100, ecsTargetGroup: "blue" });
  });

  it.each([
    [canary, { weight: "ten" }, "alongside", 'platform-compute:migrationWeight is "ten"; it is EKS\'s percent of the requests, a whole number from 0 to 100'],
    [canary, { weight: "101", ecsTargetGroup: "blue" }, "alongside", "a whole number from 0 to 100"],
    [canary, { weight: "05", ecsTargetGroup: "blue" }, "alongside", "a whole number from 0 to 100"],
    [canary, { weight: "50" }, "alongside", "platform-compute:migrationEcsTargetGroup is unset; with canary delivery ECS serves from blue or green"],
    [
      canary,
      { weight: "50", ecsTargetGroup: "purple" },
      "alongside",
      'platform-compute:migrationEcsTargetGroup is "purple"; with canary delivery it is blue or green',
    ],
    [rolling, { weight: "50", ecsTargetGroup: "green" }, "alongside", 'platform-compute:migrationEcsTargetGroup is "green"; with rolling delivery it is blue'],
    [canary, { ecsTargetGroup: "blue" }, "alongside", "platform-compute:migrationEcsTargetGroup is set without platform-compute:migrationWeight"],
    [steady, { weight: "50", ecsTargetGroup: "blue" }, undefined, "platform-compute:migrationWeight is 50 but computeMigrateTo is none"],
    [
      rolling,
      { weight: "50" },
      "drained",
      "platform-compute:migrationPhase is drained but platform-compute:migrationWeight is 50, so ECS would get 50% with no tasks",
    ],
    [rolling, {}, "drained", "platform-compute:migrationPhase is drained but platform-compute:migrationWeight is unset"],
  ] as const)("refuses %j %j (%s), naming the key", (environment, configured, phase, message) => {
    expect(() => migrationWeights(environment as never, configured, phase)).toThrow(message);
  });
});

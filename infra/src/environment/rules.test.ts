/** Rules stated once: the production database rule and the ranges the schema and the components share. */
import { describe, expect, it } from "vitest";
import { cacheTopology, recoveryObjectiveProblems } from "../data/sizing";
import { deploymentPlan } from "../compute/deployment-plan";
import { MIN_PRODUCTION_BACKUP_RETENTION_DAYS, productionDatabaseShortfalls, SETTING_RANGES } from "./rules";
import type { Environment } from "./environment";
import { settingsSchema } from "./schema";

describe("productionDatabaseShortfalls", () => {
  it("accepts a Multi-AZ, deletion-protected database with a week of backups", () => {
    expect(productionDatabaseShortfalls({ multiAz: true, deletionProtection: true, backupRetentionDays: MIN_PRODUCTION_BACKUP_RETENTION_DAYS })).toEqual([]);
  });

  it("names each part of the rule a database misses, unset backups included", () => {
    expect(productionDatabaseShortfalls({ multiAz: false, deletionProtection: false, backupRetentionDays: 6 })).toEqual([
      "multiAz",
      "deletionProtection",
      "backupRetention",
    ]);
    expect(productionDatabaseShortfalls({ multiAz: true, deletionProtection: true, backupRetentionDays: undefined })).toEqual(["backupRetention"]);
  });

  it("is what the Database component enforces on a production database that replicates nothing (a restored copy)", () => {
    const copy = { multiAz: true, deletionProtection: true, backupRetentionDays: MIN_PRODUCTION_BACKUP_RETENTION_DAYS - 1, replicateBackupsToDr: false };
    expect(recoveryObjectiveProblems(copy, true, { restoredCopy: true })).toEqual([expect.stringMatching(/at least 7 days \(set dbBackupRetentionDays\)/)]);
  });
});

describe("SETTING_RANGES", () => {
  const field = (key: keyof typeof SETTING_RANGES) => settingsSchema.shape[key];

  it.each(Object.keys(SETTING_RANGES) as (keyof typeof SETTING_RANGES)[])("bounds %s in the environment schema", (key) => {
    const { min, max } = SETTING_RANGES[key];
    expect(field(key).safeParse(min).success).toBe(true);
    expect(field(key).safeParse(max).success).toBe(true);
    expect(field(key).safeParse(min - 1).success).toBe(false);
    expect(field(key).safeParse(max + 1).success).toBe(false);
  });

  it("bounds the same values where the components check them", () => {
    const { redisReplicaCount, canaryPercent, linearStepPercent, deploymentBakeMinutes, dbBackupRetentionDays } = SETTING_RANGES;
    expect(() => cacheTopology(redisReplicaCount.max)).not.toThrow();
    expect(() => cacheTopology(redisReplicaCount.max + 1)).toThrow(/redisReplicaCount/);
    const deployment: Environment["deployment"] = {
      strategy: "canary",
      canaryPercent: canaryPercent.max,
      linearStepPercent: linearStepPercent.min,
      bakeMinutes: deploymentBakeMinutes.max,
      alarm5xxRatePercent: 1,
      alarmP99LatencyMs: 1000,
    };
    const plan = (change: Partial<Environment["deployment"]>) => () =>
      deploymentPlan({ name: "prod", isProduction: true, deployment: { ...deployment, ...change } });
    expect(plan({})).not.toThrow();
    expect(plan({ canaryPercent: canaryPercent.max + 1 })).toThrow(/canaryPercent/);
    expect(plan({ bakeMinutes: deploymentBakeMinutes.max + 1 })).toThrow(/deploymentBakeMinutes/);
    expect(plan({ strategy: "linear" })).not.toThrow();
    expect(plan({ strategy: "linear", linearStepPercent: linearStepPercent.min - 1 })).toThrow(/linearStepPercent/);
    const staging = { multiAz: false, deletionProtection: false, replicateBackupsToDr: false };
    expect(recoveryObjectiveProblems({ ...staging, backupRetentionDays: dbBackupRetentionDays.max }, false)).toEqual([]);
    expect(recoveryObjectiveProblems({ ...staging, backupRetentionDays: dbBackupRetentionDays.max + 1 }, false)).toHaveLength(1);
  });
});

import { describe, expect, it } from "vitest";
import { loadEnvironment } from "@platform/infra/environment";
import { TYPES } from "./data-layer-suite";
import { installMocks } from "@platform/infra/testing";
import { NETWORK, runDataProgram, withChanges, type DataRun } from "./data-harness";

/** What a deployed stack is keyed by: each resource's type and logical name, plus the physical names operators use. */
function identities(run: DataRun) {
  return {
    logical: run.resources.map((r) => `${r.type}::${r.name}`).sort(),
    physical: {
      db: run.recorder.one(TYPES.instance).inputs.identifier,
      redis: run.recorder.one(TYPES.replicationGroup).inputs.replicationGroupId,
      alarms: run.recorder
        .ofType(TYPES.alarm)
        .map((a) => a.inputs.name)
        .sort(),
      logGroups: run.recorder
        .ofType(TYPES.logGroup)
        .map((g) => g.inputs.name)
        .sort(),
    },
  };
}

describe("data layer logical names", () => {
  it("stay the same when sizes, counts and retention change in the environment file", async () => {
    const prod = loadEnvironment("prod");
    const before = await runDataProgram(prod);
    const after = await runDataProgram(
      withChanges(prod, {
        database: { instanceClass: "db.r6g.2xlarge", allocatedStorageGb: 200, maxAllocatedStorageGb: 1000, backupRetentionDays: 21, engineVersion: "16.8" },
        cache: { nodeType: "cache.r7g.xlarge", replicaCount: 2, snapshotRetentionDays: 14 },
      }),
    );
    // The change did reach the resources...
    expect(after.recorder.one(TYPES.instance).inputs.instanceClass).toBe("db.r6g.2xlarge");
    expect(after.recorder.one(TYPES.replicationGroup).inputs.numCacheClusters).toBe(3);
    expect(after.recorder.one(TYPES.alarm, "postgres-connections-high").inputs.threshold).toBeGreaterThan(
      before.recorder.one(TYPES.alarm, "postgres-connections-high").inputs.threshold as number,
    );
    // ...and renamed nothing: an extra replica is watched by the same alarms.
    expect(identities(after)).toEqual(identities(before));
  });
});

describe("production guard rails", () => {
  it("refuse to build a production database that could not meet RPO 15 min / RTO 1 h, naming each setting", async () => {
    const prod = loadEnvironment("prod");
    const weakened = withChanges(prod, { database: { multiAz: false, replicateBackupsToDr: false } });
    await installMocks({ project: "platform-data", stack: "prod", upstream: { network: NETWORK } });
    const { dataProgram } = await import("../src/program.js");
    expect(() => dataProgram(weakened)).toThrow(/Database postgres cannot be built:[\s\S]*dbMultiAz: true[\s\S]*dbReplicateBackupsToDr: true/);
  });
});

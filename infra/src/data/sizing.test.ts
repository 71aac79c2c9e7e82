import { describe, expect, it } from "vitest";
import {
  cacheTopology,
  databaseAlarmThresholds,
  estimatedMaxConnections,
  instanceClassMemoryGiB,
  monitoringIntervalSeconds,
  recoveryObjectiveProblems,
} from "./sizing";

const GIB = 1024 ** 3;

describe("instanceClassMemoryGiB", () => {
  it.each([
    ["db.t4g.micro", 1],
    ["db.t4g.small", 2],
    ["db.t3.medium", 4],
    ["db.t4g.large", 8],
    ["db.m7g.xlarge", 16],
    ["db.r6g.large", 16],
    ["db.r6g.2xlarge", 64],
    ["db.r7g.16xlarge", 512],
    ["db.x2g.large", 32],
  ])("%s has %i GiB", (instanceClass, gib) => {
    expect(instanceClassMemoryGiB(instanceClass)).toBe(gib);
  });

  it("refuses classes it cannot size, naming the setting", () => {
    expect(() => instanceClassMemoryGiB("db.serverless")).toThrow(/dbInstanceClass "db.serverless"/);
    expect(() => instanceClassMemoryGiB("r6g.large")).toThrow(/dbInstanceClass/);
    expect(() => instanceClassMemoryGiB("db.r6g.micro")).toThrow(/only for burstable/);
  });
});

describe("estimatedMaxConnections", () => {
  it("stays below what RDS really allows on the smallest class (about 80 on db.t4g.micro)", () => {
    expect(estimatedMaxConnections("db.t4g.micro")).toBeLessThan(90);
    expect(estimatedMaxConnections("db.t4g.micro")).toBeGreaterThan(50);
  });

  it("grows with memory and is capped at 5000", () => {
    expect(estimatedMaxConnections("db.r6g.large")).toBeGreaterThan(estimatedMaxConnections("db.t4g.large"));
    expect(estimatedMaxConnections("db.r7g.16xlarge")).toBe(5000);
  });
});

describe("databaseAlarmThresholds", () => {
  it("depends on the instance size", () => {
    const small = databaseAlarmThresholds({ instanceClass: "db.t4g.micro", allocatedStorageGb: 20 });
    const large = databaseAlarmThresholds({ instanceClass: "db.r6g.large", allocatedStorageGb: 100 });
    expect(small.connections).toBe(Math.floor(estimatedMaxConnections("db.t4g.micro") * 0.8));
    expect(large.connections).toBeGreaterThan(small.connections);
    expect(small.freeStorageBytes).toBe(1 * GIB);
    expect(large.freeStorageBytes).toBe(5 * GIB);
    expect(large.cpuPercent).toBe(80);
  });

  it("alarms on free storage below autoscaling's own 10% trigger, so autoscaling gets to act first", () => {
    for (const gb of [20, 100, 500, 5000]) {
      expect(databaseAlarmThresholds({ instanceClass: "db.r6g.large", allocatedStorageGb: gb }).freeStorageBytes).toBeLessThan(gb * GIB * 0.1);
    }
  });
});

describe("cacheTopology", () => {
  it("runs one node without failover when there is no replica", () => {
    expect(cacheTopology(0)).toEqual({ numCacheClusters: 1, automaticFailoverEnabled: false, multiAzEnabled: false });
  });

  it("turns failover and Multi-AZ on with one or more replicas", () => {
    expect(cacheTopology(1)).toEqual({ numCacheClusters: 2, automaticFailoverEnabled: true, multiAzEnabled: true });
    expect(cacheTopology(5).numCacheClusters).toBe(6);
  });

  it("refuses impossible replica counts", () => {
    expect(() => cacheTopology(6)).toThrow(/redisReplicaCount.*0 to 5/);
    expect(() => cacheTopology(-1)).toThrow(/redisReplicaCount/);
  });
});

describe("recoveryObjectiveProblems", () => {
  const prod = { multiAz: true, deletionProtection: true, backupRetentionDays: 14, replicateBackupsToDr: true };

  it("accepts the production settings that meet RPO 15 min / RTO 1 h", () => {
    expect(recoveryObjectiveProblems(prod, true)).toEqual([]);
  });

  it("names each missing protection in production", () => {
    const problems = recoveryObjectiveProblems({ multiAz: false, deletionProtection: false, backupRetentionDays: 14, replicateBackupsToDr: false }, true);
    expect(problems.join("\n")).toMatch(/dbMultiAz: true/);
    expect(problems.join("\n")).toMatch(/dbDeletionProtection: true/);
    expect(problems.join("\n")).toMatch(/dbReplicateBackupsToDr: true/);
  });

  it("needs a week of backups when they are replicated to the DR region", () => {
    expect(recoveryObjectiveProblems({ ...prod, backupRetentionDays: 3 }, true)).toEqual([expect.stringMatching(/at least 7.*dbBackupRetentionDays/)]);
  });

  it("refuses retention 0 (no point-in-time recovery) anywhere, and lets staging be small", () => {
    const staging = { multiAz: false, deletionProtection: false, backupRetentionDays: 3, replicateBackupsToDr: false };
    expect(recoveryObjectiveProblems(staging, false)).toEqual([]);
    expect(recoveryObjectiveProblems({ ...staging, backupRetentionDays: 0 }, false)).toEqual([expect.stringMatching(/point-in-time recovery off/)]);
  });
});

describe("monitoringIntervalSeconds", () => {
  it("is finer in production", () => {
    expect(monitoringIntervalSeconds(true)).toBe(15);
    expect(monitoringIntervalSeconds(false)).toBe(60);
  });
});

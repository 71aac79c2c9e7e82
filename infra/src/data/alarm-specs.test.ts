import { describe, expect, it } from "vitest";
import { RUNBOOK_ENTRIES } from "../observability/runbooks";
import { cacheAlarmSpecs, databaseAlarmSpecs } from "./alarm-specs";
import { databaseAlarmThresholds } from "./sizing";

const prodDb = { instanceClass: "db.r6g.large", allocatedStorageGb: 100 };

describe("databaseAlarmSpecs", () => {
  it("covers CPU, free storage, connections and backup freshness, each with a runbook entry", () => {
    const specs = databaseAlarmSpecs(prodDb);
    expect(specs.map((s) => s.runbook)).toEqual(["db-cpu-high", "db-free-storage-low", "db-connections-high", "db-backup-stale"]);
    for (const spec of specs) {
      expect(RUNBOOK_ENTRIES[spec.runbook]).toBeDefined();
      expect(spec.namespace).toBe("AWS/RDS");
      expect(spec.evaluationPeriods).toBeGreaterThanOrEqual(spec.datapointsToAlarm);
    }
  });

  it("takes the size-dependent thresholds", () => {
    const t = databaseAlarmThresholds(prodDb);
    const byRole = Object.fromEntries(databaseAlarmSpecs(prodDb).map((s) => [s.role, s]));
    expect(byRole["connections-high"]!.threshold).toBe(t.connections);
    expect(byRole["free-storage-low"]!.threshold).toBe(t.freeStorageBytes);
    expect(byRole["free-storage-low"]!.comparisonOperator).toBe("LessThanThreshold");
    expect(byRole["backup-stale"]!.metricName).toBe("TransactionLogsDiskUsage");
  });

  it("adds a ReplicaLag alarm only when a read replica exists (RDS publishes it only then)", () => {
    expect(databaseAlarmSpecs(prodDb).some((s) => s.metricName === "ReplicaLag")).toBe(false);
    const lag = databaseAlarmSpecs({ ...prodDb, hasReadReplica: true }).find((s) => s.metricName === "ReplicaLag");
    expect(lag).toMatchObject({ runbook: "db-replica-lag-high", threshold: 300 });
    expect(lag!.threshold).toBeLessThan(15 * 60);
  });

  it("keeps role names (and so logical names) independent of the size", () => {
    const roles = (c: string, gb: number) => databaseAlarmSpecs({ instanceClass: c, allocatedStorageGb: gb }).map((s) => s.role);
    expect(roles("db.t4g.micro", 20)).toEqual(roles("db.r6g.4xlarge", 1000));
  });
});

describe("cacheAlarmSpecs", () => {
  it("covers engine CPU, memory and evictions across the nodes", () => {
    const specs = cacheAlarmSpecs();
    expect(specs.map((s) => [s.runbook, s.metricName, s.acrossNodes])).toEqual([
      ["cache-cpu-high", "EngineCPUUtilization", "MAX"],
      ["cache-memory-high", "DatabaseMemoryUsagePercentage", "MAX"],
      ["cache-evictions", "Evictions", "SUM"],
    ]);
    for (const spec of specs) expect(spec.namespace).toBe("AWS/ElastiCache");
  });
});

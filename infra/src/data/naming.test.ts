import { describe, expect, it } from "vitest";
import { cacheMemberClusterIds, dataStoreNames } from "./naming";

describe("dataStoreNames", () => {
  it("derives every physical name from the environment name only", () => {
    expect(dataStoreNames("prod")).toEqual({
      dbInstanceIdentifier: "ledger-prod",
      dbFinalSnapshotIdentifier: "ledger-prod-final",
      redisReplicationGroupId: "ledger-prod",
      redisFinalSnapshotName: "ledger-prod-final",
    });
  });

  it("rejects names AWS would refuse, naming the environment and the fix", () => {
    expect(() => dataStoreNames("a".repeat(40))).toThrow(/redisReplicationGroupId.*at most 40.*Rename the environment/);
    expect(() => dataStoreNames("qa--1")).toThrow(/single hyphens/);
    expect(() => dataStoreNames("qa-")).toThrow(/not end with a hyphen/);
    expect(() => dataStoreNames("Prod")).toThrow(/lower-case/);
  });
});

describe("cacheMemberClusterIds", () => {
  it("follows ElastiCache's <group>-001 numbering", () => {
    expect(cacheMemberClusterIds("ledger-prod", 3)).toEqual(["ledger-prod-001", "ledger-prod-002", "ledger-prod-003"]);
  });

  it("keeps existing node ids when replicas are added", () => {
    expect(cacheMemberClusterIds("g", 4).slice(0, 2)).toEqual(cacheMemberClusterIds("g", 2));
  });

  it("refuses impossible node counts", () => {
    expect(() => cacheMemberClusterIds("g", 0)).toThrow(/1 to 6/);
    expect(() => cacheMemberClusterIds("g", 7)).toThrow(/1 to 6/);
  });
});

import { describe, expect, it } from "vitest";
import { dataStoreEncryption, dataStorePrivate, databaseForceSsl, productionDatabaseResilience } from "./data-stores";
import { PROD, resource, STAGING } from "./testing";

const RDS = "aws:rds/instance:Instance";
const REDIS = "aws:elasticache/replicationGroup:ReplicationGroup";
const goodDb = {
  engine: "postgres",
  storageEncrypted: true,
  publiclyAccessible: false,
  parameterGroupName: "ledger-pg",
  multiAz: true,
  deletionProtection: true,
  backupRetentionPeriod: 14,
};

describe("data-store-encryption", () => {
  it("passes an encrypted database and a cache encrypted at rest and in transit", () => {
    expect(dataStoreEncryption.validate(resource(RDS, goodDb), STAGING)).toEqual([]);
    expect(dataStoreEncryption.validate(resource(REDIS, { atRestEncryptionEnabled: true, transitEncryptionEnabled: true }), STAGING)).toEqual([]);
  });
  it("fails unencrypted storage and a cache without TLS", () => {
    expect(dataStoreEncryption.validate(resource(RDS, { ...goodDb, storageEncrypted: false }), STAGING)).toEqual([expect.stringContaining("storageEncrypted")]);
    expect(dataStoreEncryption.validate(resource(REDIS, { atRestEncryptionEnabled: true }), STAGING)).toEqual([
      expect.stringContaining("transitEncryptionEnabled"),
    ]);
  });
});

describe("data-store-private", () => {
  it("passes a private database", () => {
    expect(dataStorePrivate.validate(resource(RDS, goodDb), STAGING)).toEqual([]);
  });
  it("fails a publicly accessible one", () => {
    expect(dataStorePrivate.validate(resource(RDS, { ...goodDb, publiclyAccessible: true }), STAGING)).toHaveLength(1);
  });
});

describe("database-force-ssl", () => {
  const group = "aws:rds/parameterGroup:ParameterGroup";
  it("passes a postgres parameter group with rds.force_ssl = 1 and an instance that uses its own group", () => {
    expect(databaseForceSsl.validate(resource(group, { family: "postgres16", parameters: [{ name: "rds.force_ssl", value: "1" }] }), STAGING)).toEqual([]);
    expect(databaseForceSsl.validate(resource(RDS, goodDb), STAGING)).toEqual([]);
  });
  it("fails a group without it and an instance on the default group", () => {
    expect(databaseForceSsl.validate(resource(group, { family: "postgres16", parameters: [{ name: "rds.force_ssl", value: "0" }] }), STAGING)).toHaveLength(1);
    expect(databaseForceSsl.validate(resource(RDS, { ...goodDb, parameterGroupName: undefined }), STAGING)).toHaveLength(1);
    expect(databaseForceSsl.validate(resource(RDS, { ...goodDb, parameterGroupName: "default.postgres16" }), STAGING)).toHaveLength(1);
  });
});

describe("prod-database-resilience", () => {
  it("passes a Multi-AZ, protected database with 14 days of backups in prod", () => {
    expect(productionDatabaseResilience.validate(resource(RDS, goodDb), PROD)).toEqual([]);
  });
  it("fails a single-AZ, unprotected database with 3 days of backups in prod, but not in staging", () => {
    const weak = resource(RDS, { ...goodDb, multiAz: false, deletionProtection: false, backupRetentionPeriod: 3 });
    const problems = productionDatabaseResilience.validate(weak, PROD);
    expect(problems).toHaveLength(3);
    expect(problems.join("\n")).toContain("backupRetentionPeriod is 3");
    expect(productionDatabaseResilience.validate(weak, STAGING)).toEqual([]);
  });
});

describe("prod-database-resilience and restore drills", () => {
  const restored = { ...goodDb, restoreToPointInTime: { sourceDbInstanceAutomatedBackupsArn: "arn" }, deletionProtection: false };
  it("lets a restore drill's copy go without deletion protection, and nothing else", () => {
    expect(productionDatabaseResilience.validate(resource(RDS, { ...restored, tags: { DisasterRecovery: "drill" } }), PROD)).toEqual([]);
    expect(productionDatabaseResilience.validate(resource(RDS, restored), PROD)).toEqual([expect.stringContaining("deletionProtection")]);
    expect(productionDatabaseResilience.validate(resource(RDS, { ...goodDb, deletionProtection: false, tags: { DisasterRecovery: "drill" } }), PROD)).toEqual([
      expect.stringContaining("deletionProtection"),
    ]);
  });
});

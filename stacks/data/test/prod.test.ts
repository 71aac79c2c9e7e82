import { expect, it } from "vitest";
import { dataLayerSuite, TYPES } from "./data-layer-suite";

dataLayerSuite("prod", (run, environment) => {
  it("runs a Multi-AZ database with deletion protection, a week or more of backups and a backup window", () => {
    const db = run().recorder.one(TYPES.instance).inputs;
    expect(db.multiAz).toBe(true);
    expect(db.deletionProtection).toBe(true);
    expect(db.backupRetentionPeriod).toBeGreaterThanOrEqual(7);
    expect(db.backupWindow).toBe("01:00-01:30");
    expect(db.skipFinalSnapshot).toBe(false);
    expect(db.finalSnapshotIdentifier).toBe("ledger-prod-final");
  });

  it("replicates automated backups to the DR region, encrypted with a key that lives there", () => {
    const drProvider = run().recorder.one(TYPES.provider, "aws-dr");
    expect(drProvider.inputs.region).toBe(environment.drRegion);
    expect(environment.drRegion).not.toBe(environment.awsRegion);
    const replication = run().recorder.one(TYPES.backupReplication, "postgres-dr-backups");
    expect(replication.provider).toContain("pulumi:providers:aws::aws-dr::");
    expect(replication.inputs.sourceDbInstanceArn).toBe(run().recorder.one(TYPES.instance, "postgres").state.arn);
    expect(replication.inputs.retentionPeriod).toBeGreaterThanOrEqual(7);
    expect(replication.inputs.retentionPeriod).toBe(environment.database.backupRetentionDays);
    const key = run().recorder.one(TYPES.kmsKey, "postgres-dr-key");
    expect(key.provider).toContain("pulumi:providers:aws::aws-dr::");
    expect(key.inputs.enableKeyRotation).toBe(true);
    expect(replication.inputs.kmsKeyId).toBe(run().recorder.one(TYPES.kmsKey, "postgres-dr-key").state.arn);
    expect(run().recorder.one(TYPES.kmsAlias).inputs.name).toBe("alias/ledger-prod-dr-backups");
  });

  it("has no database login secret to replicate (IAM authentication, also after a restore); Redis's token is recreated there", () => {
    expect(
      run()
        .recorder.ofType(TYPES.secret)
        .map((r) => r.name),
    ).toEqual(["redis-auth"]);
    const redis = run().recorder.one(TYPES.secret, "redis-auth");
    expect(redis.inputs.replicas).toBeUndefined();
    expect((redis.inputs.tags as Record<string, string>).DisasterRecovery).toBe("recreated");
  });

  it("keeps every other resource in the primary region", () => {
    const inDr = run()
      .resources.filter((r) => r.provider?.includes("::aws-dr::"))
      .map((r) => `${r.type} ${r.name}`);
    expect(inDr.sort()).toEqual(
      [`${TYPES.kmsAlias} postgres-dr-key`, `${TYPES.kmsKey} postgres-dr-key`, `${TYPES.backupReplication} postgres-dr-backups`].sort(),
    );
  });

  it("runs Redis with replicas, automatic failover and Multi-AZ", () => {
    const rg = run().recorder.one(TYPES.replicationGroup).inputs;
    expect(environment.cache.replicaCount).toBeGreaterThanOrEqual(1);
    expect(rg.numCacheClusters).toBe(1 + environment.cache.replicaCount);
    expect(rg.numCacheClusters).toBeGreaterThanOrEqual(2);
    expect(rg.automaticFailoverEnabled).toBe(true);
    expect(rg.multiAzEnabled).toBe(true);
    expect(rg.snapshotRetentionLimit).toBe(7);
  });

  it("protects the database and its DR copies from pulumi destroy", () => {
    for (const key of [`${TYPES.instance}::postgres`, `${TYPES.kmsKey}::postgres-dr-key`, `${TYPES.backupReplication}::postgres-dr-backups`]) {
      expect(run().options.get(key)?.protect, key).toBe(true);
    }
  });

  it("samples enhanced monitoring every 15 s", () => {
    expect(run().recorder.one(TYPES.instance).inputs.monitoringInterval).toBe(15);
  });
});

import { beforeAll, describe, expect, it } from "vitest";
import { loadEnvironment } from "@platform/infra/environment";
import { TYPES } from "./data-layer-suite";
import { runDataProgram, type DataRun } from "./data-harness";

const environment = loadEnvironment("prod-dr");
const SOURCE = "arn:aws:rds:eu-central-1:123456789012:auto-backup:ab-4fjbsqxkrubgdiosa5b7c6ocuq";
let run: DataRun;
beforeAll(async () => {
  run = await runDataProgram(environment, { restore: { sourceAutomatedBackupsArn: SOURCE, time: "2026-11-30T02:15:00Z" } });
});

describe("data layer, prod-dr (recovery environment)", () => {
  it("restores the database from prod's replicated automated backups to the chosen time", () => {
    const db = run.recorder.one(TYPES.instance).inputs;
    expect(db.restoreToPointInTime).toEqual({ sourceDbInstanceAutomatedBackupsArn: SOURCE, restoreTime: "2026-11-30T02:15:00.000Z" });
    expect(db.identifier).toBe("ledger-prod-dr");
    // The source's database and master user come with the restore; RDS manages a new master password.
    expect(db.dbName).toBeUndefined();
    expect(db.username).toBeUndefined();
    expect(db.manageMasterUserPassword).toBe(true);
    // The restored copy admits the application user with IAM tokens, as prod did: no password came with it.
    expect(db.iamDatabaseAuthenticationEnabled).toBe(true);
    expect(db).toMatchObject({ multiAz: true, deletionProtection: true, storageEncrypted: true, publiclyAccessible: false });
  });

  it("runs in prod's DR region and keeps no DR copy of its own", () => {
    expect(run.recorder.ofType(TYPES.provider).map((p) => [p.name, p.inputs.region])).toEqual([["aws", "eu-central-1"]]);
    expect(run.recorder.ofType(TYPES.backupReplication)).toEqual([]);
  });

  it("starts an empty Redis", () => {
    const rg = run.recorder.one(TYPES.replicationGroup).inputs;
    expect(rg.replicationGroupId).toBe("ledger-prod-dr");
    expect(rg.snapshotArns).toBeUndefined();
    expect(rg.snapshotName).toBeUndefined();
  });

  it("refuses to create a recovery environment's database empty, and to restore over a live environment", async () => {
    const { dataProgram } = await import("../src/program.js");
    expect(() => dataProgram(environment)).toThrow(/prod-dr is the recovery environment of prod: its database is restored[\s\S]*devctl dr restore prod/);
    expect(() => dataProgram(loadEnvironment("prod"), { restore: { sourceAutomatedBackupsArn: SOURCE } })).toThrow(
      /prod is not a recovery environment; platform-data:restoreFrom is only for <env>-dr stacks/,
    );
  });

  it("refuses a restore source from another region, or a time that is not ISO-8601 UTC, before creating anything", async () => {
    const { dataProgram } = await import("../src/program.js");
    const before = run.recorder.resources.length;
    expect(() =>
      dataProgram(environment, { restore: { sourceAutomatedBackupsArn: SOURCE.replace("eu-central-1", "eu-west-1"), time: "30/11/2026 02:15" } }),
    ).toThrow(/is in eu-west-1, not in eu-central-1[\s\S]*"30\/11\/2026 02:15" is not an ISO-8601 UTC time/);
    expect(run.recorder.resources.length).toBe(before);
  });
});

describe("data layer, prod-dr as a restore drill (platform-data:disposable)", () => {
  it("can be destroyed afterwards: no deletion protection, no protect, no final snapshots, and says it is a drill", async () => {
    const { dataProgram } = await import("../src/program.js");
    // The restore run above keeps production's protection; the drill's copy (same logical names) drops it.
    expect(run.options.get(`${TYPES.instance}::postgres`)?.protect).toBe(true);
    const before = run.recorder.resources.length;
    dataProgram(environment, { restore: { sourceAutomatedBackupsArn: SOURCE }, disposable: true });
    await new Promise((resolve) => setTimeout(resolve, 100));
    const drill = run.recorder.resources.slice(before);
    const db = drill.find((r) => r.type === TYPES.instance)!.inputs;
    expect(db).toMatchObject({ deletionProtection: false, skipFinalSnapshot: true, deleteAutomatedBackups: true });
    expect(db.finalSnapshotIdentifier).toBeUndefined();
    expect((db.tags as Record<string, string>).DisasterRecovery).toBe("drill");
    expect(drill.find((r) => r.type === TYPES.replicationGroup)!.inputs.finalSnapshotIdentifier).toBeUndefined();
    expect(run.options.get(`${TYPES.instance}::postgres`)?.protect).toBe(false);
  });
});

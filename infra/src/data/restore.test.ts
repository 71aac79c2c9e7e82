import { describe, expect, it } from "vitest";
import { restoreProblems, restoreToPointInTime } from "./restore";

const ARN = "arn:aws:rds:eu-central-1:123456789012:auto-backup:ab-4fjbsqxkrubgdiosa5b7c6ocuq";

describe("restore to a point in time", () => {
  it("restores to the given time, normalised to UTC milliseconds, or to the latest restorable time", () => {
    expect(restoreToPointInTime({ sourceAutomatedBackupsArn: ARN, time: "2026-11-30T02:15Z" })).toEqual({
      sourceDbInstanceAutomatedBackupsArn: ARN,
      restoreTime: "2026-11-30T02:15:00.000Z",
    });
    expect(restoreToPointInTime({ sourceAutomatedBackupsArn: ARN })).toEqual({ sourceDbInstanceAutomatedBackupsArn: ARN, useLatestRestorableTime: true });
  });

  it("accepts replicated backups in the restore region", () => {
    expect(restoreProblems({ sourceAutomatedBackupsArn: ARN, time: "2026-11-30T02:15:00Z" }, "eu-central-1")).toEqual([]);
  });

  it("names what is wrong with the source and the time", () => {
    expect(restoreProblems({ sourceAutomatedBackupsArn: "arn:aws:rds:eu-central-1:123456789012:db:ledger-prod" }, "eu-central-1")).toEqual([
      expect.stringContaining("is not an automated-backups ARN"),
    ]);
    expect(restoreProblems({ sourceAutomatedBackupsArn: ARN }, "eu-west-1")).toEqual([expect.stringContaining("is in eu-central-1, not in eu-west-1")]);
    for (const time of ["2026-11-30 02:15", "2026-11-30T02:15:00+01:00", "2026-13-45T02:15:00Z"]) {
      expect(restoreProblems({ sourceAutomatedBackupsArn: ARN, time }, "eu-central-1"), time).toEqual([expect.stringContaining("is not an ISO-8601 UTC time")]);
    }
  });
});

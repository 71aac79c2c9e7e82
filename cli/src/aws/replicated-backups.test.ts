import { describe, expect, it } from "vitest";
import { pickReplicatedBackups } from "./replicated-backups";

const window = { EarliestTime: new Date("2026-11-01T00:00:00Z"), LatestTime: new Date("2026-11-25T11:55:00Z") };
const ARN = "arn:aws:rds:eu-central-1:123456789012:auto-backup:ab-abc";

describe("pickReplicatedBackups", () => {
  it("takes the copy of the source region's backups that has a restore window", () => {
    const picked = pickReplicatedBackups(
      [
        {
          DBInstanceAutomatedBackupsArn: "arn:aws:rds:eu-central-1:123456789012:auto-backup:ab-local",
          Region: "eu-central-1",
          Status: "active",
          RestoreWindow: window,
        },
        { DBInstanceAutomatedBackupsArn: ARN, Region: "eu-west-1", Status: "replicating", RestoreWindow: window },
      ],
      "eu-west-1",
    );
    expect(picked).toEqual({ arn: ARN, earliestTime: window.EarliestTime, latestTime: window.LatestTime });
  });

  it("offers nothing while the first copy is pending or has no window", () => {
    expect(
      pickReplicatedBackups([{ DBInstanceAutomatedBackupsArn: ARN, Region: "eu-west-1", Status: "pending", RestoreWindow: window }], "eu-west-1"),
    ).toBeUndefined();
    expect(pickReplicatedBackups([{ DBInstanceAutomatedBackupsArn: ARN, Region: "eu-west-1", Status: "replicating" }], "eu-west-1")).toBeUndefined();
    expect(pickReplicatedBackups([], "eu-west-1")).toBeUndefined();
  });
});

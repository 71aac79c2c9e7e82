/**
 * A database restored to a point in time from another region's replicated automated backups: what a recovery
 * environment (<env>-dr) runs instead of an empty database. Checked here, before any resource exists.
 */

export interface DatabaseRestore {
  /**
   * The source's automated backups as replicated to this region:
   * arn:aws:rds:<drRegion>:<account>:auto-backup:ab-<id> (describe-db-instance-automated-backups). Required.
   */
  readonly sourceAutomatedBackupsArn: string;
  /** The moment to restore to, ISO-8601 in UTC (2026-11-30T02:15:00Z). Default: the latest restorable time. */
  readonly time?: string;
}

/** The `restoreToPointInTime` block of aws.rds.Instance. */
export interface RestoreToPointInTimeInputs {
  readonly sourceDbInstanceAutomatedBackupsArn: string;
  readonly restoreTime?: string;
  readonly useLatestRestorableTime?: boolean;
}

const AUTOMATED_BACKUPS_ARN = /^arn:aws(-[a-z]+)*:rds:[a-z]{2}(-[a-z]+)+-\d:\d{12}:auto-backup:ab-[a-z0-9]+$/;
const UTC_TIME = /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}(:\d{2}(\.\d{1,3})?)?Z$/;

/** Problems with a restore request, each naming the value and the fix; empty when it can be sent to RDS. */
export function restoreProblems(restore: DatabaseRestore, region: string): string[] {
  const problems: string[] = [];
  const arn = restore.sourceAutomatedBackupsArn;
  if (!AUTOMATED_BACKUPS_ARN.test(arn)) {
    problems.push(
      `restore source "${arn}" is not an automated-backups ARN (arn:aws:rds:<region>:<account>:auto-backup:ab-<id>); take it from describe-db-instance-automated-backups in the DR region.`,
    );
  } else if (arn.split(":")[3] !== region) {
    problems.push(
      `restore source ${arn} is in ${arn.split(":")[3]}, not in ${region} where the database is restored; use the backups replicated to ${region}.`,
    );
  }
  if (restore.time !== undefined && (!UTC_TIME.test(restore.time) || Number.isNaN(Date.parse(restore.time)))) {
    problems.push(`restore time "${restore.time}" is not an ISO-8601 UTC time such as 2026-11-30T02:15:00Z.`);
  }
  return problems;
}

/** The instance's `restoreToPointInTime` input: to the given time, else to the latest restorable time. */
export function restoreToPointInTime(restore: DatabaseRestore): RestoreToPointInTimeInputs {
  return restore.time === undefined
    ? { sourceDbInstanceAutomatedBackupsArn: restore.sourceAutomatedBackupsArn, useLatestRestorableTime: true }
    : { sourceDbInstanceAutomatedBackupsArn: restore.sourceAutomatedBackupsArn, restoreTime: new Date(restore.time).toISOString() };
}

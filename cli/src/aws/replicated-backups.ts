import type { BackupCatalog, ReplicatedBackups } from "../services/services";
import { awsError } from "./aws-errors";

/** One entry of describe-db-instance-automated-backups, as far as devctl reads it. */
export interface AutomatedBackupEntry {
  readonly DBInstanceAutomatedBackupsArn?: string | undefined;
  /** The region of the source instance (for a replicated copy: not the region asked). */
  readonly Region?: string | undefined;
  readonly Status?: string | undefined;
  readonly RestoreWindow?: { readonly EarliestTime?: Date | undefined; readonly LatestTime?: Date | undefined } | undefined;
}

/**
 * The replicated copy of the source region's backups: the entry whose source region is `sourceRegion` and
 * that has a restore window. RDS lists a copy as "replicating" while it receives logs, "retained" after the
 * source was deleted; both can be restored. A copy still "pending" has no window yet and is not offered.
 */
export function pickReplicatedBackups(entries: readonly AutomatedBackupEntry[], sourceRegion: string): ReplicatedBackups | undefined {
  for (const entry of entries) {
    const earliest = entry.RestoreWindow?.EarliestTime;
    const latest = entry.RestoreWindow?.LatestTime;
    if (entry.Region !== sourceRegion || !entry.DBInstanceAutomatedBackupsArn || !earliest || !latest) continue;
    if (entry.Status !== undefined && !["replicating", "active", "retained"].includes(entry.Status)) continue;
    return { arn: entry.DBInstanceAutomatedBackupsArn, earliestTime: earliest, latestTime: latest };
  }
  return undefined;
}

/** The RDS look-up, through the AWS SDK (loaded on first use); `endpoint` only in tests (test-endpoint.ts). */
export function sdkBackupCatalog(endpoint?: string): BackupCatalog {
  return {
    async replicatedBackups({ region, sourceRegion, identifier }) {
      try {
        const rds = await import("@aws-sdk/client-rds");
        const client = new rds.RDSClient({ region, ...(endpoint ? { endpoint } : {}) });
        const response = await client.send(new rds.DescribeDBInstanceAutomatedBackupsCommand({ DBInstanceIdentifier: identifier }));
        return pickReplicatedBackups(response.DBInstanceAutomatedBackups ?? [], sourceRegion);
      } catch (error) {
        if (error instanceof Error && error.name === "DBInstanceAutomatedBackupNotFoundFault") return undefined;
        throw awsError(error, `looking up the automated backups of ${identifier} in ${region}`);
      }
    },
  };
}

import { type Config } from "../config";
import { withRotatingPassword } from "../db/credentials";
import { createPool } from "../db/database";
import { computeDoraSnapshot, type DoraSnapshotResult } from "./snapshot";

/**
 * One run of the DORA snapshot job with the service's own configuration (the same DATABASE_URL or PG* variables,
 * PGAUTH_ARN and DORA_SNAPSHOT_* settings): the Lambda handler and the plain command both call this.
 */
export async function runDoraSnapshotJob(config: Config, run: { scheduledFor?: Date; trigger: string }): Promise<DoraSnapshotResult> {
  const { windows, statementTimeoutMs } = config.doraSnapshot;
  const { database, rotating } = withRotatingPassword({ ...config.database, statementTimeoutMs });
  // One connection: the job is one transaction, and it must never compete with the service for more.
  const pool = createPool(database, "release-ledger-dora-snapshot", 1);
  pool.on("error", () => undefined);
  const options = { windows, statementTimeoutMs, trigger: run.trigger, ...(run.scheduledFor ? { scheduledFor: run.scheduledFor } : {}) };
  try {
    try {
      return await computeDoraSnapshot(pool, options);
    } catch (error) {
      // A password rotated since this process read it: read the secret again and try once more.
      if (!rotating?.rejected(error)) throw error;
      return await computeDoraSnapshot(pool, options);
    }
  } finally {
    await pool.end();
  }
}

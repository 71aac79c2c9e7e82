/**
 * The pure decisions of `devctl dr restore`: which point in time, which image, and whether the recovery
 * objectives were met. No I/O here; dr-restore.ts does the talking.
 */
import { IMAGE_CONFIG_KEY, type StackOutputs, type UpdateRecord } from "../engine/engine";
import { DevctlError } from "../errors";
import type { ReplicatedBackups } from "../services/services";
import { ROLLED_BACK } from "./rollback-target";

/** The architecture's promises (docs/architecture.md, "Recovery objectives"). */
export const RPO_MINUTES = 15;
export const RTO_MINUTES = 60;

export interface RestorePoint {
  /** The time the data is restored to. */
  readonly time: Date;
  /** True for --latest: RDS is asked for its latest restorable time, which is `time` or a little newer. */
  readonly latest: boolean;
}

/** --time must fall inside the replicated backups' restorable window; --latest takes its end. */
export function chooseRestorePoint(backups: ReplicatedBackups, request: { readonly time?: string | undefined; readonly latest: boolean }): RestorePoint {
  if (request.latest === (request.time !== undefined)) {
    throw new DevctlError("USAGE", "give exactly one of --time <ISO-8601> and --latest", "e.g. --latest, or --time 2026-11-30T02:15:00Z");
  }
  if (request.time === undefined) return { time: backups.latestTime, latest: true };
  const time = new Date(request.time);
  if (!/^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}(:\d{2}(\.\d{1,3})?)?Z$/.test(request.time) || Number.isNaN(time.getTime())) {
    throw new DevctlError("USAGE", `--time "${request.time}" is not an ISO-8601 UTC time`, "write it like 2026-11-30T02:15:00Z");
  }
  if (time < backups.earliestTime || time > backups.latestTime) {
    throw new DevctlError(
      "USAGE",
      `--time ${time.toISOString()} is outside the restorable window ${backups.earliestTime.toISOString()} – ${backups.latestTime.toISOString()}`,
      "choose a time inside the window, or --latest for the newest restorable time",
    );
  }
  return { time, latest: false };
}

/**
 * The image production ran at `time`: the compute stack's last successful update that started at or before
 * it, by its pinned image; when that update is the newest (it is what runs now), its outputs name the digest
 * even for a build from source. A release ECS rolled back never served: the engine reported its update as
 * succeeded, but the previous tasks kept running until devctl's reconcile update pinned their image again.
 */
export function imageRunningAt(history: readonly UpdateRecord[], outputs: StackOutputs, time: Date): string {
  const updates = history.filter((u) => u.kind === "update" && u.result === "succeeded");
  const neverServed = rolledBackReleases(updates);
  const before = updates.filter((u) => u.startTime <= time && !neverServed.has(u)).sort((a, b) => b.startTime.getTime() - a.startTime.getTime());
  const release = before[0];
  if (!release) {
    throw new DevctlError(
      "OPERATION_FAILED",
      `the compute stack has no successful update before ${time.toISOString()}`,
      "restore to a later time, when the service was deployed",
    );
  }
  const pinned = release.config[IMAGE_CONFIG_KEY];
  if (pinned) return pinned;
  const newest = [...updates].sort((a, b) => b.startTime.getTime() - a.startTime.getTime())[0];
  if (newest === release && typeof outputs.imageRef === "string") return outputs.imageRef;
  throw new DevctlError(
    "OPERATION_FAILED",
    `release ${release.version} (${release.startTime.toISOString()}) was built from source and its digest is no longer in the stack's outputs`,
    "restore to a time after a promotion (promoted releases pin their digest), or read the digest from the ledger",
  );
}

/** The releases a reconcile update says ECS rolled back: each is the update just before its reconcile, with that image. */
function rolledBackReleases(updates: readonly UpdateRecord[]): Set<UpdateRecord> {
  const newestFirst = [...updates].sort((a, b) => b.startTime.getTime() - a.startTime.getTime());
  const never = new Set<UpdateRecord>();
  newestFirst.forEach((reconcile, index) => {
    const image = ROLLED_BACK.exec(reconcile.message)?.[1];
    const release = newestFirst[index + 1];
    if (image !== undefined && release !== undefined && (release.config[IMAGE_CONFIG_KEY] ?? image) === image) never.add(release);
  });
  return never;
}

/** The same image in the DR region's registry: replication keeps the repository name and the digest. */
export function imageInRegion(imageRef: string, region: string): string {
  const replaced = imageRef.replace(/^(\d{12}\.dkr\.ecr\.)([a-z0-9-]+)(\.amazonaws\.com\/)/, `$1${region}$3`);
  if (replaced === imageRef && !imageRef.includes(`.dkr.ecr.${region}.`)) {
    throw new DevctlError(
      "OPERATION_FAILED",
      `image ${imageRef} is not in an ECR registry devctl can find in ${region}`,
      "deploy the recovery environment's compute layer with an image replicated to the DR region",
    );
  }
  return replaced;
}

export interface Objectives {
  /** Data lost: from the restore point to when the restore started (for --latest); minutes. */
  readonly rpoMinutes: number;
  /** From the start of the restore to a recovery environment that passed its smoke checks; minutes. */
  readonly rtoMinutes: number;
  readonly missed: readonly string[];
}

/**
 * RPO is judged only for --latest: a chosen earlier time is a deliberate choice (undoing a mistake), not a
 * loss the platform caused.
 */
export function judgeObjectives(point: RestorePoint, startedAt: Date, finishedAt: Date): Objectives {
  const rpoMinutes = (startedAt.getTime() - point.time.getTime()) / 60_000;
  const rtoMinutes = (finishedAt.getTime() - startedAt.getTime()) / 60_000;
  const missed: string[] = [];
  if (point.latest && rpoMinutes > RPO_MINUTES) {
    missed.push(
      `RPO ${rpoMinutes.toFixed(1)} min exceeds ${RPO_MINUTES} min: the latest restorable time lags; check the DR backup replication and the db-backup-stale alarm`,
    );
  }
  if (rtoMinutes > RTO_MINUTES) missed.push(`RTO ${rtoMinutes.toFixed(1)} min exceeds ${RTO_MINUTES} min: see which step took longest above`);
  return { rpoMinutes, rtoMinutes, missed };
}

import { loadConfig } from "../config";
import { runDoraSnapshotJob } from "../dora/job";
import { type DoraSnapshotResult } from "../dora/snapshot";

/**
 * What the schedule sends (infra's DoraSnapshotSchedule sets this input with EventBridge Scheduler's context
 * attributes). Every field is optional so a hand-made test invocation (`{}`) computes a run.
 */
export interface DoraSnapshotEvent {
  /** `<aws.scheduler.scheduled-time>`, e.g. 2026-11-30T02:15:00Z: one run per scheduled time, however often delivered. */
  readonly scheduledTime?: string;
  /** `<aws.scheduler.execution-id>`, logged to tie the run to the schedule's own records. */
  readonly executionId?: string;
  /** `<aws.scheduler.attempt-number>`. */
  readonly attemptNumber?: string;
}

function scheduledTimeOf(event: DoraSnapshotEvent): Date | undefined {
  if (event.scheduledTime === undefined) return undefined;
  const time = new Date(event.scheduledTime);
  if (typeof event.scheduledTime !== "string" || Number.isNaN(time.getTime())) {
    throw new Error(`scheduledTime ${JSON.stringify(event.scheduledTime)} is not a timestamp: the schedule's input must pass <aws.scheduler.scheduled-time>`);
  }
  return time;
}

/**
 * The nightly DORA snapshot as a Lambda function (EventBridge Scheduler invokes it). It throws on failure, so
 * Lambda retries it and then hands the event to the on-failure queue; a duplicate delivery returns "skipped".
 */
export async function handler(event: DoraSnapshotEvent | null | undefined): Promise<DoraSnapshotResult> {
  const input = event ?? {};
  const scheduledFor = scheduledTimeOf(input);
  const result = await runDoraSnapshotJob(loadConfig(process.env), { trigger: "schedule", ...(scheduledFor ? { scheduledFor } : {}) });
  // One JSON line in the function's log group: what ran, for which schedule time, and how long it took.
  console.log(JSON.stringify({ msg: "DORA snapshot", executionId: input.executionId, attemptNumber: input.attemptNumber, ...result }));
  return result;
}

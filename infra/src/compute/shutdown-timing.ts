/**
 * Timings derived from the service's drain time (SHUTDOWN_TIMEOUT_MS), so ECS never SIGKILLs a task that
 * is still draining and the ALB keeps a deregistering target long enough for in-flight requests.
 */

/** Fargate's ceiling for a container's stopTimeout. */
export const MAX_STOP_TIMEOUT_SECONDS = 120;
/** Head room between the service's own deadline and SIGKILL. */
export const STOP_TIMEOUT_MARGIN_SECONDS = 10;
/** Head room between the service's deadline and the ALB forgetting the target. */
export const DEREGISTRATION_MARGIN_SECONDS = 5;

/** ECS stopTimeout in seconds: shutdown + 10 s; fails when that exceeds what Fargate allows. */
export function stopTimeoutSeconds(shutdownTimeoutMs: number): number {
  const seconds = Math.ceil(shutdownTimeoutMs / 1000) + STOP_TIMEOUT_MARGIN_SECONDS;
  if (!Number.isFinite(seconds) || shutdownTimeoutMs <= 0 || seconds > MAX_STOP_TIMEOUT_SECONDS) {
    throw new RangeError(
      `serviceShutdownTimeoutMs ${shutdownTimeoutMs} needs an ECS stop timeout of ${seconds} s; Fargate allows at most ` +
        `${MAX_STOP_TIMEOUT_SECONDS} s, so keep serviceShutdownTimeoutMs at or below ${(MAX_STOP_TIMEOUT_SECONDS - STOP_TIMEOUT_MARGIN_SECONDS) * 1000}.`,
    );
  }
  return seconds;
}

/** ALB target group deregistration delay in seconds: shutdown / 1000 + 5. */
export function deregistrationDelaySeconds(shutdownTimeoutMs: number): number {
  if (!Number.isFinite(shutdownTimeoutMs) || shutdownTimeoutMs <= 0) {
    throw new RangeError(`serviceShutdownTimeoutMs must be a positive number of milliseconds, got ${shutdownTimeoutMs}.`);
  }
  return Math.ceil(shutdownTimeoutMs / 1000) + DEREGISTRATION_MARGIN_SECONDS;
}

/**
 * Every alarm's description points at its entry in docs/runbooks.md. The keys are the entries' anchors
 * (a "## <key>" heading each); a test keeps this list and the document in step.
 */
export const RUNBOOK_ENTRIES = {
  // Data tier (stacks/data)
  "db-cpu-high": "PostgreSQL CPU high",
  "db-free-storage-low": "PostgreSQL free storage low",
  "db-connections-high": "PostgreSQL connections high",
  "db-replica-lag-high": "PostgreSQL replica lag high",
  "db-backup-stale": "PostgreSQL backups not fresh",
  "cache-cpu-high": "Redis CPU high",
  "cache-memory-high": "Redis memory high",
  "cache-evictions": "Redis evicting keys",
  // Service (stacks/compute)
  "service-5xx-rate": "Service 5xx rate high",
  "service-p99-latency": "Service p99 latency high",
  "service-unhealthy-hosts": "Service has unhealthy targets",
  "service-running-tasks-low": "Service running fewer tasks than its minimum",
  "request-count-anomaly": "Request count outside its expected band",
  "cdn-5xx-rate": "CloudFront 5xx rate high",
  "mesh-5xx-rate": "Service mesh 5xx rate high",
  "dora-snapshot-failed": "DORA snapshot job failed",
  "function-errors": "Lambda function errors high",
  "function-throttles": "Lambda function throttled",
  // Procedures every entry may link to
  rollback: "Roll back a release",
  "restore-database-dr": "Restore PostgreSQL in the DR region",
  "canary-target-groups": "Verify that a canary release flipped the target groups",
  "migrate-platform": "Move an environment from ECS to EKS without downtime",
} as const;

/** Entries that are procedures (numbered steps), not alarm responses. */
export const RUNBOOK_PROCEDURES: readonly RunbookKey[] = ["rollback", "restore-database-dr", "canary-target-groups", "migrate-platform"];

export type RunbookKey = keyof typeof RUNBOOK_ENTRIES;

/** Path of the runbook document, relative to the repository root. */
export const RUNBOOK_DOCUMENT = "docs/runbooks.md";

/** Where an alarm's runbook entry lives: docs/runbooks.md#<key>. */
export function runbookLink(key: RunbookKey): string {
  return `${RUNBOOK_DOCUMENT}#${key}`;
}

/** An alarm description: what fired, then the runbook entry (CloudWatch allows 1024 characters). */
export function alarmDescription(key: RunbookKey, summary: string): string {
  const text = `${summary.trim()} Runbook: ${runbookLink(key)}`;
  if (text.length > 1024) throw new Error(`Alarm description for ${key} is ${text.length} characters; CloudWatch allows 1024.`);
  return text;
}

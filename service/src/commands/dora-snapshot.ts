import { parseArgs } from "node:util";
import { ConfigError, loadConfig } from "../config";
import { runDoraSnapshotJob } from "../dora/job";

const USAGE = "usage: node dist/commands/dora-snapshot.js [--scheduled-time <ISO 8601 time>]";

/**
 * `pnpm --filter @platform/service dora-snapshot`: the nightly DORA snapshot as a plain command, for a
 * scheduled ECS task or Kubernetes CronJob (the image holds it as dist/commands/dora-snapshot.js). The same
 * configuration as the service; --scheduled-time makes repeated runs for one schedule time do nothing.
 */
async function main(): Promise<void> {
  const { values } = parseArgs({ options: { "scheduled-time": { type: "string" }, help: { type: "boolean" } }, strict: true });
  if (values.help) {
    process.stdout.write(`${USAGE}\n`);
    return;
  }
  const raw = values["scheduled-time"];
  const scheduledFor = raw === undefined ? undefined : new Date(raw);
  if (scheduledFor !== undefined && Number.isNaN(scheduledFor.getTime()))
    throw new ConfigError([`--scheduled-time ${JSON.stringify(raw)} is not a timestamp (e.g. 2026-11-30T02:15:00Z)`]);
  const result = await runDoraSnapshotJob(loadConfig(), { trigger: "command", ...(scheduledFor ? { scheduledFor } : {}) });
  process.stdout.write(
    result.status === "computed"
      ? `DORA snapshot run ${result.runId} computed at ${result.computedAt}: ${result.rows} rows, windows ${result.windows.join(", ")} days, ${result.durationMs} ms\n`
      : `DORA snapshot skipped: ${result.reason}\n`,
  );
}

main().catch((error: unknown) => {
  const message = error instanceof ConfigError ? error.message : `DORA snapshot failed: ${error instanceof Error ? error.message : String(error)}`;
  process.stderr.write(`${message}\n${error instanceof ConfigError ? `${USAGE}\n` : ""}`);
  process.exit(1);
});

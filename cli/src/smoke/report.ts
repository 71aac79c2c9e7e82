/** Renders a smoke report: one line per check, then a verdict. The same data goes out as JSON with --json. */
import type { CheckResult, SmokeReport } from "./checks";

const MARK: Readonly<Record<CheckResult["outcome"], string>> = { passed: "✓", failed: "✗", skipped: "-" };

export function formatSmokeReport(environment: string, report: SmokeReport): string {
  const width = Math.max(...report.checks.map((c) => c.name.length));
  const lines = report.checks.map((c) => {
    const status = c.outcome === "skipped" ? "skipped" : c.status === null ? "no answer" : `HTTP ${c.status}`;
    const latency = c.latencyMs === null ? "" : `${c.latencyMs} ms`;
    const tries = c.attempts > 1 ? `after ${c.attempts} attempts` : "";
    return [`${MARK[c.outcome]} ${c.name.padEnd(width)}`, status.padEnd(9), latency.padStart(8), tries, c.reason]
      .filter((part) => part.trim() !== "")
      .join("  ");
  });
  const count = (outcome: CheckResult["outcome"]) => report.checks.filter((c) => c.outcome === outcome).length;
  const skipped = count("skipped") ? `, ${count("skipped")} skipped` : "";
  const verdict = report.ok
    ? `smoke ${environment}: OK (${count("passed")} of ${report.checks.length} checks passed${skipped})`
    : `smoke ${environment}: FAILED (${count("failed")} of ${report.checks.length} checks failed${skipped})`;
  return [`smoke ${environment}: ${report.url}`, ...lines, verdict].join("\n");
}

export interface SmokeJson extends SmokeReport {
  readonly environment: string;
}

export function smokeJson(environment: string, report: SmokeReport): SmokeJson {
  return { environment, ...report };
}

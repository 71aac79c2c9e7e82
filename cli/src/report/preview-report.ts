import type { Layer } from "@platform/infra/layers";
import { hasChanges, type ChangeCounts, type PolicyViolation, type PreviewStep } from "../engine/engine";
import { violationLine } from "../engine/policy";
import type { RiskFlag } from "./risk-flags";

export interface LayerPreviewResult {
  readonly layer: Layer;
  readonly status: "ok" | "skipped" | "failed";
  readonly counts?: ChangeCounts;
  readonly risks: readonly RiskFlag[];
  readonly steps: readonly PreviewStep[];
  /** Advisory policy findings of a layer that previewed (a mandatory one fails it). */
  readonly violations?: readonly PolicyViolation[];
  /** Why the layer was skipped or failed. */
  readonly reason?: string;
}

export interface EnvironmentPreview {
  readonly environment: string;
  readonly production: boolean;
  /** Why the environment's stacks were not read at all (e.g. no secrets in this run); said under its heading. */
  readonly notPreviewed?: string;
  readonly layers: readonly LayerPreviewResult[];
}

export interface PreviewReport {
  readonly command: "preview" | "drift";
  /** True when any layer would change (preview) or has drifted (drift). */
  readonly changes: boolean;
  readonly riskCount: number;
  /** Environments whose stacks were not read: the report says nothing about their changes. */
  readonly notPreviewed: readonly string[];
  readonly environments: readonly EnvironmentPreview[];
}

export function collectPreviewReport(command: PreviewReport["command"], environments: readonly EnvironmentPreview[]): PreviewReport {
  const layers = environments.flatMap((e) => e.layers);
  return {
    command,
    changes: layers.some((l) => l.counts !== undefined && hasChanges(l.counts)),
    riskCount: layers.reduce((n, l) => n + l.risks.length, 0),
    notPreviewed: environments.filter((e) => e.notPreviewed !== undefined).map((e) => e.environment),
    environments,
  };
}

/** The same data as --json, with the inputs left out (they can be large and hold configuration values). */
export function previewJson(report: PreviewReport): unknown {
  return {
    ...report,
    environments: report.environments.map((e) => ({
      ...e,
      layers: e.layers.map((l) => ({ ...l, steps: l.steps.map(({ op, urn, type, name, diffs }) => ({ op, urn, type, name, diffs })) })),
    })),
  };
}

const SYMBOL: Record<string, string> = { create: "+", update: "~", replace: "+-", delete: "-", read: ">", refresh: "~", import: "=" };

export function stepLine(step: PreviewStep): string {
  return `${SYMBOL[step.op] ?? step.op} ${step.type} ${step.name}${step.diffs && step.diffs.length > 0 ? ` [${step.diffs.join(", ")}]` : ""}`;
}

export function countsCell(layer: LayerPreviewResult): string {
  if (layer.status !== "ok" || !layer.counts) return layer.status;
  const c = layer.counts;
  return `+${c.create} ~${c.update} +-${c.replace} -${c.delete}`;
}

/**
 * The report's summary line, as text or Markdown. Environments that were not previewed are named, never
 * counted as "no changes".
 */
export function summaryLine(report: PreviewReport, style: "text" | "markdown"): string {
  if (report.command === "drift") return report.changes ? "Drift found." : "No drift.";
  const risks = `${report.riskCount} risk flag${report.riskCount === 1 ? "" : "s"}`;
  const parts: string[] = [];
  if (report.notPreviewed.length < report.environments.length) {
    if (style === "text") parts.push(`${report.changes ? "Changes pending" : "No changes"}; ${risks}.`);
    else parts.push(report.changes ? `**Changes pending**, ${risks}.` : "No changes.");
  }
  if (report.notPreviewed.length > 0) parts.push(`${style === "text" ? "Not previewed" : "**Not previewed**"}: ${report.notPreviewed.join(", ")}.`);
  return parts.join(" ");
}

/** Terminal text: one block per environment, a line per layer, risk flags and steps under it. */
export function printPreviewReport(report: PreviewReport): string {
  const lines: string[] = [];
  for (const env of report.environments) {
    lines.push(`${report.command === "drift" ? "Drift" : "Preview"} of ${env.environment}${env.production ? " (production)" : ""}`);
    if (env.notPreviewed) lines.push(`  not previewed: ${env.notPreviewed}`);
    for (const layer of env.layers) {
      const c = layer.counts;
      const counts = c ? `create ${c.create}  update ${c.update}  replace ${c.replace}  delete ${c.delete}` : layer.status.toUpperCase();
      lines.push(`  ${layer.layer.padEnd(8)} ${counts}${layer.reason ? `  (${layer.reason})` : ""}`);
      for (const risk of layer.risks) lines.push(`    ! RISK ${risk.message}`);
      for (const violation of layer.violations ?? []) lines.push(`    warning: ${violationLine(violation)}`);
      for (const step of layer.steps) lines.push(`      ${stepLine(step)}`);
    }
  }
  lines.push(summaryLine(report, "text"));
  return `${lines.join("\n")}\n`;
}

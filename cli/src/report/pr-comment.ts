import { violationLine } from "../engine/policy";
import { countsCell, stepLine, summaryLine, type PreviewReport } from "./preview-report";

/** CI finds its earlier comment by this marker and edits it instead of adding another. */
export const PR_COMMENT_MARKER = "<!-- devctl:preview -->";
/** GitHub refuses comments over 65 536 characters; stay well below. */
export const PR_COMMENT_LIMIT = 60_000;

export interface PrComment {
  /** The comment to post, at most `limit` characters. */
  readonly comment: string;
  /** The complete comment (every step), written beside the comment file as <file>.full.md. */
  readonly full: string;
  readonly truncated: boolean;
}

/**
 * A Markdown pull-request comment: the summary table first, then per environment a heading, the risk flags
 * and every layer's steps folded in <details>. When it would exceed the limit the folded details are cut
 * and a note points at the full file.
 */
export function renderPrComment(report: PreviewReport, options: { fullFileName: string; limit?: number }): PrComment {
  const limit = options.limit ?? PR_COMMENT_LIMIT;
  const head: string[] = [
    PR_COMMENT_MARKER,
    "## devctl preview",
    "",
    summaryLine(report, "markdown"),
    "",
    "| Environment | Layer | Changes | Risks |",
    "| --- | --- | --- | --- |",
  ];
  for (const env of report.environments) {
    for (const layer of env.layers) {
      head.push(`| ${env.environment} | ${layer.layer} | ${countsCell(layer)} | ${layer.risks.length > 0 ? `⚠️ ${layer.risks.length}` : "–"} |`);
    }
  }
  head.push("");

  const sections = report.environments.map((env) => {
    const lines = [`### ${env.environment}${env.production ? " (production)" : ""}`, ""];
    if (env.notPreviewed) lines.push(`> Not previewed: ${env.notPreviewed}`, "");
    const risks = env.layers.flatMap((l) => l.risks.map((r) => `- ⚠️ **${l.layer}**: ${r.message}`));
    if (risks.length > 0) lines.push("**Risk flags**", "", ...risks, "");
    const warnings = env.layers.flatMap((l) => (l.violations ?? []).map((v) => `- **${l.layer}**: ${violationLine(v)}`));
    if (warnings.length > 0) lines.push("**Policy warnings**", "", ...warnings, "");
    for (const layer of env.layers) {
      if (layer.status !== "ok") {
        lines.push(`- **${layer.layer}**: ${layer.status}${layer.reason ? ` — ${layer.reason}` : ""}`, "");
        continue;
      }
      if (layer.steps.length === 0) continue;
      lines.push(
        `<details><summary>${layer.layer}: ${layer.steps.length} change${layer.steps.length === 1 ? "" : "s"}</summary>`,
        "",
        "```diff",
        ...layer.steps.map(stepLine),
        "```",
        "",
        "</details>",
        "",
      );
    }
    return lines.join("\n");
  });

  const full = [...head, ...sections].join("\n");
  if (full.length <= limit) return { comment: full, full, truncated: false };

  const note = `\n> ✂️ This preview is too long for one comment (${full.length} characters); details were cut. The full preview is in \`${options.fullFileName}\` (saved by the CI job).\n`;
  const budget = limit - note.length;
  let comment = head.join("\n");
  for (const section of sections) {
    const [heading] = section.split("\n");
    const block = `\n${section}`;
    if (comment.length + block.length <= budget) comment += block;
    else if (comment.length + (heading ?? "").length + 1 <= budget) comment += `\n${heading}\n`;
  }
  if (comment.length > budget) comment = comment.slice(0, budget);
  return { comment: comment + note, full, truncated: true };
}

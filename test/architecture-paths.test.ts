/**
 * docs/architecture.md's "Where to change what" table is how a newcomer finds the file for a change; a path that
 * moved without the table following would send them nowhere. Every repository path the table names must exist.
 */
import * as fs from "node:fs";
import * as path from "node:path";
import { describe, expect, it } from "vitest";

const root = path.resolve(__dirname, "..");
const DOC = path.join(root, "docs", "architecture.md");

/** The section's lines, from its heading to the next heading of the same level. */
function sectionLines(markdown: string, heading: string): string[] {
  const lines = markdown.split("\n");
  const start = lines.indexOf(`## ${heading}`);
  if (start < 0) return [];
  const end = lines.findIndex((line, index) => index > start && line.startsWith("## "));
  return lines.slice(start + 1, end < 0 ? undefined : end);
}

/** The code spans of the table's rows that read as repository paths (they contain a slash or name a root file). */
function tablePaths(lines: readonly string[]): string[] {
  const spans = lines.filter((line) => line.startsWith("| ")).flatMap((line) => [...line.matchAll(/`([^`]+)`/g)].map((m) => m[1]!));
  // `<layer>-harness.ts` and the like name a pattern, not a file.
  return spans.filter((span) => !span.includes("<") && (span.includes("/") || /^[\w.-]+\.(ya?ml|json|md)$/.test(span)));
}

describe("docs/architecture.md: where to change what", () => {
  const lines = sectionLines(fs.readFileSync(DOC, "utf8"), "Where to change what");
  const paths = tablePaths(lines);

  it("has the table", () => {
    expect(lines.length).toBeGreaterThan(0);
    expect(paths.length).toBeGreaterThan(30);
  });

  it("names only paths that exist in the repository", () => {
    const missing = paths.filter((p) => !fs.existsSync(path.join(root, p)));
    expect(missing, `update the table in docs/architecture.md: ${missing.join(", ")}`).toEqual([]);
  });

  it("finds the paths of a row, and the missing ones", () => {
    const row = ["| x | `infra/src/edge/edge.ts`, `Pulumi.yaml`, `<layer>-harness.ts`, `devctl plan`, `no/such/file.ts` |"];
    expect(tablePaths(row)).toEqual(["infra/src/edge/edge.ts", "Pulumi.yaml", "no/such/file.ts"]);
    expect(tablePaths(row).filter((p) => !fs.existsSync(path.join(root, p)))).toEqual(["no/such/file.ts"]);
  });
});

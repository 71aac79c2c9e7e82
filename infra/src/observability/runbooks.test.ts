import * as fs from "node:fs";
import * as path from "node:path";
import { describe, expect, it } from "vitest";
import { REPOSITORY_ROOT } from "../environment";
import { alarmDescription, RUNBOOK_DOCUMENT, RUNBOOK_ENTRIES, RUNBOOK_PROCEDURES, runbookLink, type RunbookKey } from "./runbooks";

const text = fs.readFileSync(path.join(REPOSITORY_ROOT, RUNBOOK_DOCUMENT), "utf8");
const lines = text.split("\n");
const headings = lines.map((line, index) => ({ line, index })).filter(({ line }) => line.startsWith("## "));
const keys = Object.keys(RUNBOOK_ENTRIES) as RunbookKey[];

describe(RUNBOOK_DOCUMENT, () => {
  it.each(keys)("has exactly one '## %s' entry, titled on the next line", (key) => {
    const found = headings.filter(({ line }) => line === `## ${key}`);
    expect(found).toHaveLength(1);
    expect(lines[found[0]!.index + 1]?.trim()).toBe(RUNBOOK_ENTRIES[key]);
  });

  it.each(keys)("'%s' says what it means, how to confirm and what to do (or is a procedure)", (key) => {
    const start = headings.findIndex(({ line }) => line === `## ${key}`);
    const end = headings[start + 1]?.index ?? lines.length;
    const body = lines.slice(headings[start]!.index, end).join("\n");
    if (RUNBOOK_PROCEDURES.includes(key)) {
      expect(body).toMatch(/\n\d+\. /);
    } else {
      for (const part of ["**What it means.**", "**Confirm.**", "**Act.**"]) expect(body, `${key}: ${part}`).toContain(part);
    }
  });

  it("has no second-level heading that is not a runbook key (each anchor is an alarm's link target)", () => {
    expect(headings.map(({ line }) => line.slice(3)).filter((h) => !(h in RUNBOOK_ENTRIES))).toEqual([]);
  });

  it("links only to anchors that exist", () => {
    const anchors = [...text.matchAll(/\]\(#([a-z0-9-]+)\)/g)].map((m) => m[1]);
    expect(anchors.length).toBeGreaterThan(0);
    for (const anchor of anchors) expect(keys).toContain(anchor);
  });

  it("covers rollback (devctl and ECS's automatic rollback) and the DR restore from replicated backups", () => {
    expect(text).toContain("devctl rollback <env>");
    expect(text).toMatch(/circuit breaker/);
    expect(text).toContain("pnpm devctl dr restore prod --latest --yes");
    expect(text).toContain("pnpm devctl dr drill prod --yes");
    expect(text).toContain("--source-db-instance-automated-backups-arn");
    expect(text).toMatch(/aws rds restore-db-instance-to-point-in-time --region eu-central-1/);
    expect(text).toMatch(/RTO 1 hour, RPO 15\s+minutes/);
  });
});

describe("alarmDescription", () => {
  it.each(keys)("for '%s' ends with a link to its entry in the document", (key) => {
    const description = alarmDescription(key, "Something fired.");
    expect(description.endsWith(`Runbook: ${RUNBOOK_DOCUMENT}#${key}`)).toBe(true);
    expect(runbookLink(key)).toBe(`docs/runbooks.md#${key}`);
    expect(text).toContain(`\n## ${key}\n`);
  });
});

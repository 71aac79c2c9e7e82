import { spawnSync } from "node:child_process";
import * as path from "node:path";
import { describe, expect, it } from "vitest";
import { allSteps, REPO_ROOT, shellScripts } from "./workflow-files";

// shellcheck comes from the Debian package (`apt-get install -y shellcheck`); GitHub's Ubuntu runners have it.
const SHELLCHECK = spawnSync("shellcheck", ["--version"], { encoding: "utf8" });
const MISSING = SHELLCHECK.error !== undefined || SHELLCHECK.status !== 0;
const SKIP_NOTE = "shellcheck is not installed: apt-get install -y shellcheck (the shell-script lint was skipped)";
if (MISSING) process.stderr.write(`\nSKIPPED: ${SKIP_NOTE}\n`);

function shellcheck(args: string[], input?: string): { ok: boolean; output: string } {
  const result = spawnSync("shellcheck", ["--format=gcc", ...args], { cwd: REPO_ROOT, encoding: "utf8", input });
  if (result.error) throw result.error;
  return { ok: result.status === 0, output: `${result.stdout}${result.stderr}`.trim() };
}

/**
 * A `run:` block as GitHub runs it: bash, with `${{ }}` expressions already replaced by their values.
 * Each expression becomes a plain word of the same length, as actionlint does, so line and column match.
 * The codes left out are the ones actionlint leaves out too: variables set by `env:` look unassigned
 * (SC2154), and an expression replaced by a constant makes conditions look constant (SC2050, SC2194).
 */
export function runBlockForShellcheck(script: string): string {
  const replaced = script.replace(/\$\{\{[\s\S]*?\}\}/g, (expr) => "_".repeat(expr.length));
  return `#!/usr/bin/env bash\n# shellcheck disable=SC2154,SC2050,SC2194\nset -e\n${replaced}`;
}

describe("shellcheck", () => {
  const scripts = shellScripts();

  it("finds the repository's shell scripts", () => {
    expect(scripts).toContain(path.normalize(".ci/run"));
    expect(scripts).toContain(path.normalize("scripts/ci/test-with-coverage.sh"));
  });

  it.for(scripts)("%s passes shellcheck", (script, context) => {
    if (MISSING) return context.skip(SKIP_NOTE);
    const { ok, output } = shellcheck(["--external-sources", script]);
    expect(output).toBe("");
    expect(ok).toBe(true);
  });

  const runSteps = allSteps().filter(({ step }) => typeof step.run === "string" && (step.shell ?? "bash").startsWith("bash"));
  it("finds the workflows' run: steps", () => {
    expect(runSteps.length).toBeGreaterThan(10);
  });

  it.for(runSteps.map(({ file, job, step }) => [`${file} ${job}: ${step.name ?? step.run!.split("\n")[0]}`, step.run!] as const))(
    "%s passes shellcheck",
    ([, run], context) => {
      if (MISSING) return context.skip(SKIP_NOTE);
      const { ok, output } = shellcheck(["--shell=bash", "-"], runBlockForShellcheck(run));
      expect(output).toBe("");
      expect(ok).toBe(true);
    },
  );

  it("reports a broken script (the checker really runs)", (context) => {
    if (MISSING) return context.skip(SKIP_NOTE);
    const { ok, output } = shellcheck(["--shell=bash", "-"], runBlockForShellcheck("rm -rf $TARGET_DIR/*\nif [ $x = ${{ inputs.env }} ]; then echo; fi\n"));
    expect(ok).toBe(false);
    expect(output).toContain("SC2086");
  });
});

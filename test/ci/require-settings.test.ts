import { spawnSync } from "node:child_process";
import * as path from "node:path";
import { describe, expect, it } from "vitest";
import { allSteps, REPO_ROOT } from "./workflow-files";

const SCRIPT = path.join(REPO_ROOT, "scripts", "ci", "require-settings.sh");
const run = (env: Record<string, string>, ...names: string[]) =>
  spawnSync("bash", [SCRIPT, ...names], { encoding: "utf8", env: { PATH: process.env.PATH ?? "/usr/bin:/bin", ...env } });

describe("scripts/ci/require-settings.sh", () => {
  it("passes when every named setting is set", () => {
    const result = run({ A: "1", B: "x" }, "A", "B");
    expect(result.status).toBe(0);
    expect(result.stdout).toContain("All settings present: A B");
  });

  it("fails with one GitHub error annotation per missing or empty setting", () => {
    const result = run({ A: "1", B: "" }, "A", "B", "C");
    expect(result.status).toBe(1);
    const errors = result.stdout.split("\n").filter((l) => l.startsWith("::error"));
    expect(errors).toHaveLength(2);
    expect(errors[0]).toMatch(/^::error title=Missing setting B::B is empty\. .*docs\/ci-cd\.md/);
    expect(errors[1]).toContain("Missing setting C");
  });

  it("runs before the AWS credentials in every job that assumes a role", () => {
    const byJob = new Map<string, string[]>();
    for (const { file, job, step } of allSteps()) {
      const key = `${file} ${job}`;
      byJob.set(key, [...(byJob.get(key) ?? []), step.uses ?? step.run ?? ""]);
    }
    const assuming = [...byJob].filter(([, steps]) => steps.some((s) => s.startsWith("aws-actions/configure-aws-credentials@")));
    expect(assuming.length).toBeGreaterThanOrEqual(5);
    for (const [job, steps] of assuming) {
      const check = steps.findIndex((s) => s.startsWith("scripts/ci/require-settings.sh"));
      const credentials = steps.findIndex((s) => s.startsWith("aws-actions/configure-aws-credentials@"));
      expect(check, job).toBeGreaterThanOrEqual(0);
      expect(check, job).toBeLessThan(credentials);
    }
  });
});

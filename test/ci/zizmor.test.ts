import { spawnSync } from "node:child_process";
import * as fs from "node:fs";
import * as os from "node:os";
import * as path from "node:path";
import { describe, expect, it } from "vitest";
import { REPO_ROOT } from "./workflow-files";

// zizmor (PyPI, `pipx install zizmor==1.32.0`; scripts/ci/install-test-tools.sh installs it) audits GitHub
// workflows for template injection, unpinned actions, persisted credentials, cache poisoning and more.
// workflow-audit.test.ts checks this repository's own rules without it; this is the second opinion.
const ZIZMOR = process.env.ZIZMOR ?? "zizmor";
const VERSION = spawnSync(ZIZMOR, ["--version"], { encoding: "utf8" });
const MISSING = VERSION.error !== undefined || VERSION.status !== 0;
const SKIP_NOTE = "zizmor is not installed: pipx install zizmor==1.32.0 (or set ZIZMOR to its path); the zizmor audit was skipped";
if (MISSING) process.stderr.write(`\nSKIPPED: ${SKIP_NOTE}\n`);

interface ZizmorFinding {
  readonly ident: string;
  readonly determinations: { readonly severity: string };
  readonly locations: readonly { readonly symbolic: { readonly key: { readonly Local?: { readonly given_path: string } } } }[];
}

/** zizmor's findings for a path, offline (it would otherwise ask GitHub about refs). */
function zizmor(target: string): ZizmorFinding[] {
  const result = spawnSync(ZIZMOR, ["--offline", "--format", "json", target], { cwd: REPO_ROOT, encoding: "utf8" });
  if (result.error) throw result.error;
  return JSON.parse(result.stdout) as ZizmorFinding[];
}

describe.skipIf(MISSING)("zizmor", () => {
  it("finds nothing in .github/ (workflows and Dependabot)", () => {
    const findings = zizmor(".github");
    expect(findings.map((f) => `${f.ident} (${f.determinations.severity}) ${f.locations[0]?.symbolic.key.Local?.given_path ?? ""}`)).toEqual([]);
  });

  it("reports an unpinned action and a checkout that keeps its credentials (it really runs)", () => {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), "zizmor-"));
    const file = path.join(dir, "planted.yml");
    fs.writeFileSync(file, "on: push\npermissions: {}\njobs:\n  a:\n    runs-on: ubuntu-latest\n    steps:\n      - uses: actions/checkout@v5\n");
    expect(
      zizmor(file)
        .map((f) => f.ident)
        .sort(),
    ).toEqual(["artipacked", "unpinned-uses"]);
  });
});

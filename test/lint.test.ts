import * as path from "node:path";
import { ESLint } from "eslint";
import { describe, expect, it } from "vitest";

const root = path.resolve(__dirname, "..");

describe("the repository's lint", () => {
  it("rejects a Pulumi Output inside a template literal", async () => {
    // The fixture is ignored by `pnpm lint`; here it is linted on purpose.
    // The repository's config, its type information taken from the tools project that holds test/ (as the
    // per-package setup did) rather than from the whole-repository program `pnpm lint` builds once for all files.
    const eslint = new ESLint({ cwd: root, ignore: false, overrideConfig: { languageOptions: { parserOptions: { project: ["./tsconfig.tools.json"] } } } });
    const [result] = await eslint.lintFiles(["test/fixtures/output-in-template.ts"]);
    const rules = result?.messages.map((m) => m.ruleId);
    expect(rules).toContain("@pulumi/no-output-in-template-literal");
  });
});

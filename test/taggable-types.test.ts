import { spawnSync } from "node:child_process";
import * as fs from "node:fs";
import * as os from "node:os";
import * as path from "node:path";
import { describe, expect, it } from "vitest";
import { isTaggable, TAGGABLE_AWS_TYPES } from "@platform/infra/layers";

// One reader of "which AWS types take tags" (infra/scripts/generate-taggable-types.mjs) writes one list that the
// policy pack's tagging rule and the layer tests both read. A @pulumi/aws upgrade without regenerating it fails here.
const SCRIPT = path.resolve(__dirname, "../infra/scripts/generate-taggable-types.mjs");

describe("taggable AWS types", () => {
  it("the generated list matches the installed @pulumi/aws declarations", () => {
    const check = spawnSync(process.execPath, [SCRIPT, "--check"], { encoding: "utf8" });
    expect(check.stderr).toBe("");
    expect(check.status).toBe(0);
    expect(TAGGABLE_AWS_TYPES.size).toBeGreaterThan(500);
  });

  it("the check fails, naming the fix, when the list is stale", () => {
    // A copy of the script beside a copy of the list with one type missing, reading the same @pulumi/aws.
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), "taggable-"));
    try {
      fs.mkdirSync(path.join(dir, "scripts"));
      fs.mkdirSync(path.join(dir, "src", "layers"), { recursive: true });
      const script = fs
        .readFileSync(SCRIPT, "utf8")
        .replace('paths: [path.resolve(import.meta.dirname, "..")]', `paths: [${JSON.stringify(path.dirname(path.dirname(SCRIPT)))}]`);
      fs.writeFileSync(path.join(dir, "scripts", "generate.mjs"), script);
      const list = fs.readFileSync(path.resolve(path.dirname(SCRIPT), "../src/layers/taggable-types.ts"), "utf8");
      fs.writeFileSync(path.join(dir, "src", "layers", "taggable-types.ts"), list.replace('  "aws:ec2/vpc:Vpc",\n', ""));
      const check = spawnSync(process.execPath, [path.join(dir, "scripts", "generate.mjs"), "--check"], { encoding: "utf8" });
      expect(check.status).toBe(1);
      expect(check.stderr).toMatch(/taggable-types\.ts is not what @pulumi\/aws .* gives.*run node infra\/scripts\/generate-taggable-types\.mjs/);
    } finally {
      fs.rmSync(dir, { recursive: true, force: true });
    }
  });

  it("leaves out types whose args take no tags", () => {
    for (const type of ["aws:ec2/route:Route", "aws:iam/rolePolicy:RolePolicy", "aws:secretsmanager/secretVersion:SecretVersion", "aws:kms/alias:Alias"]) {
      expect(isTaggable(type), type).toBe(false);
      expect(TAGGABLE_AWS_TYPES.has(type), type).toBe(false);
    }
    expect(isTaggable("aws:ec2/vpc:Vpc")).toBe(true);
  });
});

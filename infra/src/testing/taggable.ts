/**
 * Which resource types take tags, read from the installed @pulumi/aws type declarations (a resource's
 * `<Name>Args` interface has a `tags` map), so a tag test covers every taggable type a program creates without
 * a hand-kept list that would silently miss a new one. Test-only: it reads files from node_modules.
 * The policy pack keeps a generated copy of the same set (policy/src/rules/taggable-types.ts); a repo test
 * keeps the two equal.
 */
import * as fs from "node:fs";
import * as path from "node:path";

let taggable: ReadonlySet<string> | undefined;

/** Every AWS resource type token whose args take a `tags` map, scanned once from @pulumi/aws. */
export function taggableAwsTypes(): ReadonlySet<string> {
  if (taggable) return taggable;
  // Resolved from this file, i.e. infra's own @pulumi/aws (the single version the catalog pins).
  const root = path.dirname(require.resolve("@pulumi/aws/package.json", { paths: [__dirname] }));
  const types = new Set<string>();
  for (const dir of fs.readdirSync(root, { withFileTypes: true })) {
    if (!dir.isDirectory() || dir.name === "node_modules" || dir.name === "types") continue;
    for (const file of fs.readdirSync(path.join(root, dir.name))) {
      if (!file.endsWith(".d.ts") || file === "index.d.ts") continue;
      const dts = fs.readFileSync(path.join(root, dir.name, file), "utf8");
      // The token is in the declaration, or (for some resources) only in the compiled module.
      const js = path.join(root, dir.name, file.replace(/\.d\.ts$/, ".js"));
      const token =
        /static readonly __pulumiType = "(aws:[^"]+)"/.exec(dts)?.[1] ??
        (fs.existsSync(js) ? /__pulumiType = '(aws:[^']+)'/.exec(fs.readFileSync(js, "utf8"))?.[1] : undefined);
      if (!token) continue;
      const args = /export interface \w+Args \{([\s\S]*?)\n\}/.exec(dts)?.[1] ?? "";
      if (/\n {4}tags\?: pulumi\.Input<\{\s*\[key: string\]: pulumi\.Input<string>;?\s*\}/.test(args)) types.add(token);
    }
  }
  taggable = types;
  return types;
}

/** True when the resource type token (e.g. aws:ec2/vpc:Vpc) is an AWS resource whose args accept tags. */
export function isTaggable(type: string): boolean {
  return taggableAwsTypes().has(type);
}

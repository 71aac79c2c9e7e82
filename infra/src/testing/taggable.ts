/**
 * Which resource types take tags, read from the installed @pulumi/aws type declarations (its `<Name>Args`
 * interface has a `tags` field), so a tag test covers every taggable type a program creates without a
 * hand-kept list that would silently miss a new one. Test-only: it reads files from node_modules.
 */
import * as fs from "node:fs";
import * as path from "node:path";

const cache = new Map<string, boolean>();
let awsRoot: string | undefined;

function packageRoot(): string {
  // Resolved from this file, i.e. infra's own @pulumi/aws (the single version the catalog pins).
  awsRoot ??= path.dirname(require.resolve("@pulumi/aws/package.json", { paths: [__dirname] }));
  return awsRoot;
}

/** True when the resource type token (e.g. aws:ec2/vpc:Vpc) is an AWS resource whose args accept tags. */
export function isTaggable(type: string): boolean {
  const match = /^aws:([a-zA-Z0-9]+)\/([a-zA-Z0-9]+):([A-Za-z0-9]+)$/.exec(type);
  if (!match) return false;
  const cached = cache.get(type);
  if (cached !== undefined) return cached;
  const [, module, file, className] = match;
  const declaration = path.join(packageRoot(), module!, `${file}.d.ts`);
  if (!fs.existsSync(declaration)) throw new Error(`no type declaration for ${type} at ${declaration}`);
  const source = fs.readFileSync(declaration, "utf8");
  const start = source.indexOf(`export interface ${className}Args {`);
  if (start < 0) throw new Error(`${declaration} has no ${className}Args interface`);
  const body = source.slice(start, source.indexOf("\n}", start));
  const taggable = /\n\s+tags\?:/.test(body);
  cache.set(type, taggable);
  return taggable;
}

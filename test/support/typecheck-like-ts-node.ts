import { createRequire } from "node:module";
import * as path from "node:path";
import type * as TypeScript from "typescript";

/** What one program's load compiled, as run-like-pulumi.cjs reports it: ts-node's parsed options and files. */
export interface TsNodeLoad {
  readonly options: TypeScript.CompilerOptions;
  readonly files: readonly string[];
}

/** Diagnostics ts-node never reports (its built-in ignore list): 6059 rootDir, 18002/18003 empty file lists. */
const TS_NODE_IGNORED = new Set([6059, 18002, 18003]);

/**
 * Options that only say where a project's config and outputs live. They differ from project to project but
 * change no diagnostic ts-node reports (rootDir's only one, 6059, is in its ignore list; composite, which
 * would make rootDir and file lists matter, is deleted by ts-node), so loads that agree on everything else
 * share one program: the Pulumi and AWS declarations are read and bound once instead of once per project.
 */
const PER_PROJECT = ["configFilePath", "rootDir", "outDir", "tsBuildInfoFile"] as const;

/**
 * Type-checks what ts-node compiled while loading Pulumi programs, as ts-node does when type checking is on:
 * syntactic and semantic diagnostics of each compiled file, with ts-node's options and ts-node's ignore list,
 * using the TypeScript that @pulumi/pulumi resolves (the one the language host hands to ts-node).
 * Returns the diagnostics, formatted; empty when every file passes.
 */
export function typecheckLikeTsNode(root: string, loads: readonly TsNodeLoad[]): string[] {
  const pulumiDir = path.dirname(createRequire(path.join(root, "package.json")).resolve("@pulumi/pulumi/package.json"));
  const ts = createRequire(path.join(pulumiDir, "package.json"))("typescript") as typeof TypeScript;

  const groups = new Map<string, { options: TypeScript.CompilerOptions; files: Set<string> }>();
  for (const load of loads) {
    const options = { ...load.options };
    for (const key of PER_PROJECT) delete options[key];
    const key = JSON.stringify(options, Object.keys(options).sort());
    const group = groups.get(key) ?? { options, files: new Set<string>() };
    load.files.forEach((file) => group.files.add(file));
    groups.set(key, group);
  }

  const messages: string[] = [];
  for (const { options, files } of groups.values()) {
    const program = ts.createProgram({ rootNames: [...files], options });
    for (const file of files) {
      const source = program.getSourceFile(file);
      if (!source) {
        messages.push(`${file}: not part of the program`);
        continue;
      }
      const diagnostics = [...program.getSyntacticDiagnostics(source), ...program.getSemanticDiagnostics(source)].filter((d) => !TS_NODE_IGNORED.has(d.code));
      messages.push(
        ...diagnostics.map((d) => ts.formatDiagnostic(d, { getCanonicalFileName: (f) => f, getCurrentDirectory: () => root, getNewLine: () => "\n" }).trim()),
      );
    }
  }
  return messages;
}

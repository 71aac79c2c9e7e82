/**
 * Finds and loads a layer's program function (stacks/<layer>/src/program.ts, see the layer convention).
 * The programs are TypeScript; compiled devctl loads them through tsx's scoped require, registered lazily
 * so only `devctl plan` pays for it. Under vitest the test runner already compiles TypeScript.
 */
import * as fs from "node:fs";
import * as path from "node:path";
import { type Layer } from "@platform/infra/layers";

export type LayerProgram = (environment: unknown, options?: Record<string, unknown>) => Record<string, unknown>;

export type ProgramLookup =
  | { readonly found: true; readonly file: string; readonly program: LayerProgram }
  | { readonly found: false; readonly file: string; readonly reason: string };

/** Where a layer's program lives under a repository root. */
export function programFile(root: string, layer: Layer): string {
  return path.join(root, "stacks", layer, "src", "program.ts");
}

/** The exported function name the convention gives each layer's program. */
export function programExport(layer: Layer): string {
  return `${layer}Program`;
}

type TsRequire = (id: string, fromFile: string) => unknown;
let tsRequire: TsRequire | undefined;

async function loadModule(file: string): Promise<Record<string, unknown>> {
  if (process.env.VITEST) return (await import(file)) as Record<string, unknown>;
  if (!tsRequire) {
    const { register } = await import("tsx/cjs/api");
    tsRequire = register({ namespace: "devctl-plan" }).require;
  }
  return tsRequire(file, __filename) as Record<string, unknown>;
}

export async function loadLayerProgram(root: string, layer: Layer): Promise<ProgramLookup> {
  const file = programFile(root, layer);
  const relative = path.relative(root, file);
  if (!fs.existsSync(file)) return { found: false, file, reason: `${relative} does not exist yet` };
  const exported = (await loadModule(file))[programExport(layer)];
  if (typeof exported !== "function") {
    return { found: false, file, reason: `${relative} does not export a function ${programExport(layer)}(environment)` };
  }
  return { found: true, file, program: exported as LayerProgram };
}

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
  { readonly found: true; readonly file: string; readonly program: LayerProgram } | { readonly found: false; readonly file: string; readonly reason: string };

/** Where a layer's program lives under a repository root. */
export function programFile(root: string, layer: Layer): string {
  return path.join(root, "stacks", layer, "src", "program.ts");
}

/** The exported function name the convention gives each layer's program. */
export function programExport(layer: Layer): string {
  return `${layer}Program`;
}

type TsRequire = (id: string, fromFile: string) => unknown;

/**
 * Loads the programs of the given layers. tsx is registered only while they load: its resolver hooks and the
 * source maps it turns on make every later require and every stack trace Pulumi takes several times slower
 * (measured: ~4 s of a 10 s plan), and nothing TypeScript is loaded after the programs themselves.
 */
export async function loadLayerPrograms(root: string, layers: readonly Layer[]): Promise<Map<Layer, ProgramLookup>> {
  const found = new Map<Layer, ProgramLookup>();
  let tsx: { require: TsRequire; unregister: () => void } | undefined;
  const load = async (file: string): Promise<Record<string, unknown>> => {
    if (process.env.VITEST) return (await import(file)) as Record<string, unknown>;
    if (!tsx) {
      const { register } = await import("tsx/cjs/api");
      tsx = register({ namespace: "devctl-plan" });
    }
    return tsx.require(file, __filename) as Record<string, unknown>;
  };
  try {
    for (const layer of layers) {
      const file = programFile(root, layer);
      const relative = path.relative(root, file);
      if (!fs.existsSync(file)) {
        found.set(layer, { found: false, file, reason: `${relative} does not exist yet` });
        continue;
      }
      const exported = (await load(file))[programExport(layer)];
      found.set(
        layer,
        typeof exported === "function"
          ? { found: true, file, program: exported as LayerProgram }
          : { found: false, file, reason: `${relative} does not export a function ${programExport(layer)}(environment)` },
      );
    }
  } finally {
    tsx?.unregister();
  }
  return found;
}

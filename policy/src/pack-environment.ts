import * as fs from "node:fs";
import * as path from "node:path";
import type { PolicyEnvironment } from "./rules";

/**
 * Whether a stack is production, for the real policy pack: the environment file Pulumi.<stack>.yaml at the
 * repository root says `platform:tier: production`. Read directly (not through loadEnvironment) so a file
 * with an unrelated problem still gets the production rules; without a file the stack name decides.
 */
export function resolvePackEnvironment(
  stack: string,
  fallback: (stack: string) => PolicyEnvironment,
  rootDir: string = path.resolve(__dirname, "..", ".."),
): PolicyEnvironment {
  const file = ["yaml", "yml"].map((ext) => path.join(rootDir, `Pulumi.${stack}.${ext}`)).find((f) => /^[a-z][a-z0-9-]*$/.test(stack) && fs.existsSync(f));
  if (!file) return fallback(stack);
  const tier = /^\s*platform:tier:\s*["']?([a-z]+)["']?\s*$/m.exec(fs.readFileSync(file, "utf8"))?.[1];
  return tier === undefined ? fallback(stack) : { stack, isProduction: tier === "production" };
}

// Bundles the web page (web/src) into dist/web with content-hashed names, and refuses a first load heavier than
// the budget. `node web/build.mjs [outDir]`; the browser tests import buildWebPage() to build into a folder of their own.
import { mkdir, readFile, rm, writeFile } from "node:fs/promises";
import { basename, dirname, join, resolve } from "node:path";
import { fileURLToPath } from "node:url";
import { brotliCompressSync, gzipSync } from "node:zlib";
import { build } from "esbuild";

const here = dirname(fileURLToPath(import.meta.url));
/** The first load's budget: every script the page loads, gzip-compressed. */
export const BUDGET_BYTES = 150 * 1024;

/** @param {string} outDir @returns {Promise<{ script: string, style: string, gzipBytes: number, inputs: string[] }>} */
export async function buildWebPage(outDir = join(here, "..", "dist", "web")) {
  await rm(outDir, { recursive: true, force: true });
  await mkdir(outDir, { recursive: true });
  const result = await build({
    entryPoints: { app: join(here, "src", "main.tsx") },
    bundle: true,
    format: "esm",
    target: ["es2022", "chrome111", "firefox113", "safari16.4"],
    minify: true,
    jsx: "automatic",
    jsxImportSource: "preact",
    entryNames: "[name]-[hash]",
    outdir: outDir,
    metafile: true,
    legalComments: "none",
    logLevel: "warning",
  });
  const outputs = Object.keys(result.metafile.outputs).map((p) => basename(p));
  const script = outputs.find((name) => name.endsWith(".js"));
  const style = outputs.find((name) => name.endsWith(".css"));
  if (!script || !style) throw new Error(`the page build produced ${outputs.join(", ")}: expected one .js and one .css`);
  let gzipBytes = 0;
  // Compressed here, once per build, rather than by every server process as it starts (136 ms of brotli for the script).
  for (const name of outputs) {
    const body = await readFile(join(outDir, name));
    const gzip = gzipSync(body, { level: 9 });
    await writeFile(join(outDir, `${name}.gz`), gzip);
    await writeFile(join(outDir, `${name}.br`), brotliCompressSync(body));
    if (name.endsWith(".js")) gzipBytes += gzip.length;
  }
  await writeFile(join(outDir, "manifest.json"), `${JSON.stringify({ script, style }, null, 2)}\n`);
  // Every source file bundled, as absolute paths: the tests check that none is the service's own code.
  const inputs = Object.keys(result.metafile.inputs).map((input) => resolve(input));
  return { script, style, gzipBytes, inputs };
}

if (process.argv[1] === fileURLToPath(import.meta.url)) {
  const outDir = process.argv[2];
  const { script, gzipBytes } = await buildWebPage(outDir);
  const kb = (n) => `${(n / 1024).toFixed(1)} KB`;
  const line = `web page: ${script} is ${kb(gzipBytes)} of JavaScript gzip-compressed (budget ${kb(BUDGET_BYTES)})`;
  if (gzipBytes > BUDGET_BYTES) {
    process.stderr.write(`${line}: OVER BUDGET. Drop or lazy-load a dependency.\n`);
    process.exit(1);
  }
  process.stdout.write(`${line}\n`);
}

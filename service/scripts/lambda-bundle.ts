/**
 * `pnpm --filter @platform/service bundle:lambda [name...]`: bundles each Lambda entry with esbuild into
 * dist/lambda/<name>.zip — no container engine. The archive mirrors the package's own layout (the bundle at
 * dist/lambda/<name>.js, beside dist/web and migrations/), so code that finds its files relative to
 * __dirname finds them in the archive as it does in the image. Archives are byte-for-byte reproducible: the
 * same commit gives the same code hash, so publishing a Lambda version is a no-op when nothing changed.
 */
import { cp, mkdir, readdir, readFile, rename, rm, stat, writeFile } from "node:fs/promises";
import { join, relative } from "node:path";
import { build } from "esbuild";
import { zipSync, type Zippable } from "fflate";

const SERVICE_DIR = join(__dirname, "..");

export interface LambdaEntry {
  /** The module exporting `handler`, relative to service/. */
  readonly source: string;
  /** What the handler reads from disk at run time, copied beside the bundle. */
  readonly include: readonly ("migrations" | "web")[];
}

/** Every Lambda function this package ships. A new function is one more line here. */
export const LAMBDA_ENTRIES: Readonly<Record<string, LambdaEntry>> = {
  api: { source: "src/lambda/api.ts", include: ["migrations", "web"] },
  "dora-snapshot": { source: "src/lambda/dora-snapshot.ts", include: [] },
};

/** The Lambda runtime these bundles target (the function's `runtime` is `nodejs24.x`). */
export const NODE_TARGET = "node24";

export interface BundledLambda {
  readonly name: string;
  /** The zip to upload. */
  readonly archive: string;
  /** The same files unzipped; `require(join(dir, module))` loads the handler exactly as Lambda does. */
  readonly dir: string;
  /** Relative to the archive root, without the extension: the function's `handler` is `${module}.handler`. */
  readonly module: string;
  readonly archiveBytes: number;
  readonly bundleBytes: number;
}

// Zip entries carry a timestamp; a fixed one keeps the archive's hash a function of its contents alone.
const FIXED_MTIME = new Date("2000-01-01T00:00:00Z");

export async function bundleLambda(name: string, outDir = join(SERVICE_DIR, "dist", "lambda")): Promise<BundledLambda> {
  const entry = LAMBDA_ENTRIES[name];
  if (entry === undefined) {
    throw new Error(
      `no Lambda entry named ${JSON.stringify(name)}: expected one of ${Object.keys(LAMBDA_ENTRIES).join(", ")} (add it to LAMBDA_ENTRIES in service/scripts/lambda-bundle.ts)`,
    );
  }
  const dir = join(outDir, name);
  const module = `dist/lambda/${name}`;
  await rm(dir, { recursive: true, force: true });
  await build({
    entryPoints: [join(SERVICE_DIR, entry.source)],
    outfile: join(dir, `${module}.js`),
    bundle: true,
    platform: "node",
    target: NODE_TARGET,
    format: "cjs",
    minify: true,
    // Kept beside the archive, not in it: --enable-source-maps would cost every cold start.
    sourcemap: "external",
    legalComments: "none",
    // pg's optional native binding; the pure JavaScript client is the one used.
    external: ["pg-native"],
    logLevel: "warning",
  });
  await rename(join(dir, `${module}.js.map`), join(outDir, `${name}.js.map`));
  if (entry.include.includes("migrations")) await cp(join(SERVICE_DIR, "migrations"), join(dir, "migrations"), { recursive: true });
  if (entry.include.includes("web")) {
    const { buildWebPage } = await import("../web/build.mjs");
    await buildWebPage(join(dir, "dist", "web"));
  }
  const files: Zippable = {};
  for (const path of (await listFiles(dir)).sort()) {
    files[relative(dir, path)] = [await readFile(path), { mtime: FIXED_MTIME }];
  }
  const archive = join(outDir, `${name}.zip`);
  await mkdir(outDir, { recursive: true });
  await writeFile(archive, zipSync(files, { level: 9 }));
  return { name, archive, dir, module, archiveBytes: (await stat(archive)).size, bundleBytes: (await stat(join(dir, `${module}.js`))).size };
}

async function listFiles(dir: string): Promise<string[]> {
  const entries = await readdir(dir, { withFileTypes: true, recursive: true });
  return entries.filter((e) => e.isFile()).map((e) => join(e.parentPath, e.name));
}

if (require.main === module) {
  const names = process.argv.slice(2);
  void (async () => {
    for (const name of names.length > 0 ? names : Object.keys(LAMBDA_ENTRIES)) {
      const bundled = await bundleLambda(name);
      process.stdout.write(
        `${relative(process.cwd(), bundled.archive)}: ${(bundled.archiveBytes / 1024).toFixed(0)} KiB zipped, handler ${bundled.module}.handler\n`,
      );
    }
  })().catch((error: unknown) => {
    process.stderr.write(`${error instanceof Error ? error.message : String(error)}\n`);
    process.exit(1);
  });
}

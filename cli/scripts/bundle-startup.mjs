#!/usr/bin/env node
// Bundles what every devctl command loads before it does anything (main, io, the command files, commander,
// the layer contracts) into dist/devctl.js, so start-up reads one file instead of resolving ~23 modules
// through pnpm's symlinked node_modules and package "exports" (measured: about a third of `devctl --help`'s
// cost above a bare `node`). Runs after tsc, from its output: the bundle is never a second compilation.
// Everything a command loads on demand (plan/, actions/, smoke/, engine/, aws/…) and errors.js stay separate
// files required at run time, so each exists once: `instanceof DevctlError` holds across the two.
// bin/devctl.js falls back to dist/main.js when any file listed in dist/devctl.inputs.json is newer.
import * as fs from "node:fs";
import { createRequire } from "node:module";
import * as path from "node:path";
import * as esbuild from "esbuild";

const dist = path.resolve(import.meta.dirname, "..", "dist");
/** Files of dist/ that go into the bundle: the start-up path. Anything else of dist/ stays external. */
const STARTUP = /^(main|io)(\.js)?$|^commands\/[^/]+?(\.js)?$/;
/** Packages bundled (the start-up path's only ones); any other package is required at run time. */
const PACKAGES = /^(commander|@platform\/infra\/layers)$/;
/** Terminal width from which `devctl --help` reads the same (checked below). */
const MAX_HELP_WIDTH = 400;

const startupOnly = {
  name: "startup-only",
  setup(build) {
    build.onResolve({ filter: /^\.\.?\// }, (args) => {
      if (!args.importer.startsWith(dist + path.sep)) return undefined;
      const relative = path.relative(dist, path.resolve(args.resolveDir, args.path)).split(path.sep).join("/");
      // Kept external, its path rewritten to be relative to dist/devctl.js.
      return STARTUP.test(relative) ? undefined : { path: `./${relative}`, external: true };
    });
    build.onResolve({ filter: /^[^./]/ }, (args) =>
      args.importer.startsWith(dist + path.sep) && !PACKAGES.test(args.path) ? { path: args.path, external: true } : undefined,
    );
  },
};

const root = path.resolve(dist, "..", "..");
const result = await esbuild.build({
  absWorkingDir: root,
  entryPoints: [path.join(dist, "main.js")],
  outfile: path.join(dist, "devctl.js"),
  bundle: true,
  platform: "node",
  format: "cjs",
  target: "node20",
  logLevel: "warning",
  metafile: true,
  plugins: [startupOnly],
});
const inputs = Object.keys(result.metafile.inputs).map((file) => path.relative(dist, path.resolve(root, file)));
fs.writeFileSync(path.join(dist, "devctl.inputs.json"), `${JSON.stringify(inputs, null, 2)}\n`);

// `devctl --help` as text, so bin/devctl.js can print it without loading the bundle and commander (on Node 24
// that load was about half of --help's cost). Commander wraps help to the terminal's width (80 when stdout is
// not a terminal), so the text is kept for every width up to the one past which it no longer changes;
// bin/devctl.js uses them under the same freshness check as the bundle.
const { buildProgram } = createRequire(import.meta.url)(path.join(dist, "devctl.js"));
/** What `devctl --help` prints at a terminal this wide: as main() prints it, through processIo's out(). */
function helpAt(width) {
  let text = "";
  const io = { out: (chunk) => (text += chunk.endsWith("\n") ? chunk : `${chunk}\n`), err() {}, interactive: false, ask: async () => "", env: {} };
  buildProgram({ io }).configureHelp({ helpWidth: width }).outputHelp();
  return text;
}
const texts = [];
const byWidth = [];
for (let width = 0; width <= MAX_HELP_WIDTH; width++) {
  const text = helpAt(width);
  if (!texts.includes(text)) texts.push(text);
  byWidth.push(texts.indexOf(text));
}
if (helpAt(MAX_HELP_WIDTH + 1000) !== texts[byWidth[MAX_HELP_WIDTH]])
  throw new Error(`devctl --help still changes past ${MAX_HELP_WIDTH} columns: raise MAX_HELP_WIDTH`);
fs.writeFileSync(path.join(dist, "devctl.help.json"), JSON.stringify({ texts, byWidth }));
// Not a terminal (a pipe, a file): 80 columns. A file of its own, as parsing every width's text costs ~1 ms.
// Written last: bin/devctl.js checks its date, so it also vouches for devctl.help.json.
fs.writeFileSync(path.join(dist, "devctl.help.txt"), helpAt(80));

#!/usr/bin/env node
"use strict";
// devctl's executable: compiled code only, so `devctl --help` starts about as fast as Node itself.
// `pnpm install` builds it (root "prepare" script); `pnpm devctl` rebuilds it when a source changed.
const fs = require("node:fs");
const path = require("node:path");

// Node 22+ keeps V8's compiled code of these files on disk between runs; older Node has no such cache.
require("node:module").enableCompileCache?.();

/**
 * dist/devctl.js bundles the start-up path (scripts/bundle-startup.mjs). It is used only while no file it
 * was made from is newer, so a `tsc` run without the bundle step never leaves devctl running old code.
 */
function entry() {
  const dist = path.join(__dirname, "..", "dist");
  try {
    const bundled = fs.statSync(path.join(dist, "devctl.js")).mtimeMs;
    const inputs = JSON.parse(fs.readFileSync(path.join(dist, "devctl.inputs.json"), "utf8"));
    if (inputs.every((file) => fs.statSync(path.join(dist, file)).mtimeMs <= bundled)) return path.join(dist, "devctl.js");
  } catch {
    // No bundle (or an input is gone): the plain compiled entry below.
  }
  return path.join(dist, "main.js");
}

let main;
try {
  ({ main } = require(entry()));
} catch (error) {
  if (error && error.code === "MODULE_NOT_FOUND" && /dist[\\/]main\.js/.test(String(error.message))) {
    process.stderr.write("devctl is not built yet. Run: pnpm install (or pnpm --filter @platform/devctl build)\n");
    process.exit(2);
  }
  throw error;
}
main(process.argv.slice(2)).then((code) => {
  process.exitCode = code;
});

#!/usr/bin/env node
"use strict";
// devctl's executable: compiled code only, so `devctl --help` starts about as fast as Node itself.
// `pnpm install` builds it (root "prepare" script); `pnpm devctl` rebuilds it when a source changed.
const fs = require("node:fs");
const path = require("node:path");

const dist = path.join(__dirname, "..", "dist");

/**
 * Whether a file the bundle step wrote (dist/devctl.js; dist/devctl.help.txt, written after devctl.help.json)
 * is newer than every file the bundle was made from, so a `tsc` run without the bundle step never leaves
 * devctl running old code or printing old help.
 */
function fresh(file) {
  try {
    const made = fs.statSync(path.join(dist, file)).mtimeMs;
    const inputs = JSON.parse(fs.readFileSync(path.join(dist, "devctl.inputs.json"), "utf8"));
    return inputs.every((input) => fs.statSync(path.join(dist, input)).mtimeMs <= made);
  } catch {
    return false; // No bundle (or an input is gone).
  }
}

const args = process.argv.slice(2);

// `devctl --help` printed from the text the bundle step saved: loading the bundle and commander was about half
// of --help's cost on Node 24. Commander wraps help to the terminal's width, 80 columns when not a terminal.
if (args.length === 1 && (args[0] === "--help" || args[0] === "-h") && fresh("devctl.help.txt")) {
  // A pipe or a file is no terminal; only a character device needs node:tty, whose loading costs ~1.7 ms.
  if (fs.fstatSync(1).isCharacterDevice() && require("node:tty").isatty(1)) {
    const { texts, byWidth } = JSON.parse(fs.readFileSync(path.join(dist, "devctl.help.json"), "utf8"));
    process.stdout.write(texts[byWidth[Math.min(process.stdout.columns, byWidth.length - 1)]]);
  } else {
    printSync(fs.readFileSync(path.join(dist, "devctl.help.txt")));
  }
  return;
}

/**
 * Writes to stdout (not a terminal) without building process.stdout, a stream whose set-up cost ~3 ms, a tenth
 * of --help on Node 24. A reader that closed the pipe early (`devctl --help | head`) is its choice, not an error.
 */
function printSync(buffer) {
  let written = 0;
  try {
    while (written < buffer.length) written += fs.writeSync(1, buffer, written);
  } catch (error) {
    // A non-blocking pipe that is full: the stream waits for the reader.
    if (error.code === "EAGAIN") process.stdout.write(buffer.subarray(written));
    else if (error.code !== "EPIPE") throw error;
  }
}

/** The command named on the command line (past the program's own options), if any. */
function commandName() {
  for (let i = 0; i < args.length; i++) {
    if (args[i] === "--secrets-provider") i++;
    else if (!args[i].startsWith("-")) return args[i];
  }
  return undefined;
}

// `devctl plan` runs every layer's program in this process and makes garbage fast: with V8's default young
// generation on Node 24, prod peaked at 245-255 MiB RSS, with 4 MiB semi-spaces at ~197 MiB and no slower.
// V8 sizes the heap as it starts (v8.setFlagsFromString here has no effect), so devctl replaces itself with a
// node given the flag: same process id, stdio, signals and exit code; ~35 ms of a second node start-up.
// Not where process.execve is missing (Node < 23.11, Windows) or the user chose a size already.
const SEMI_SPACE = "--max-semi-space-size";
if (
  commandName() === "plan" &&
  !args.includes("--help") &&
  !args.includes("-h") &&
  typeof process.execve === "function" &&
  ![...process.execArgv, ...(process.env.NODE_OPTIONS ?? "").split(/\s+/)].some((option) => option.startsWith(SEMI_SPACE))
) {
  process.execve(process.execPath, [process.execPath, ...process.execArgv, `${SEMI_SPACE}=4`, __filename, ...args], process.env);
}

// Node 22+ keeps V8's compiled code of these files on disk between runs; older Node has no such cache.
require("node:module").enableCompileCache?.();

let main;
try {
  ({ main } = require(path.join(dist, fresh("devctl.js") ? "devctl.js" : "main.js")));
} catch (error) {
  if (error && error.code === "MODULE_NOT_FOUND" && /dist[\\/]main\.js/.test(String(error.message))) {
    process.stderr.write("devctl is not built yet. Run: pnpm install (or pnpm --filter @platform/devctl build)\n");
    process.exit(2);
  }
  throw error;
}
main(args).then((code) => {
  process.exitCode = code;
});

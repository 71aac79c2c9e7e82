#!/usr/bin/env node
"use strict";
// `pnpm devctl …` from the repository: runs the compiled CLI, rebuilding it first only when a source it is
// built from changed since the last build. `tsc -b` on every call cost 1–3 s even when nothing changed; this
// check stats the build's inputs (a few ms) and compares them with the stamp the last rebuild left.
// A stale build is never run: any added, removed, touched or resized input file changes the fingerprint.
const { spawnSync } = require("node:child_process");
const { createHash } = require("node:crypto");
const fs = require("node:fs");
const path = require("node:path");

const CLI = path.resolve(__dirname, "..");
const BUILD_CONFIG = path.join(CLI, "tsconfig.build.json");
const STAMP = path.join(CLI, "dist", ".source-stamp");
const ENTRY = path.join(CLI, "dist", "main.js");
const LOCKFILE = path.join(CLI, "..", "pnpm-lock.yaml");
const BUNDLER = path.join(CLI, "scripts", "bundle-startup.mjs");

/**
 * Every file `tsc -b cli/tsconfig.build.json` reads from this repository: each project's tsconfig (and
 * what it extends), its package.json, and the sources under its `include`, following `references`.
 * Tests are left out as the build configs exclude them; the lockfile stands for a changed dependency.
 */
function buildInputs(config, seen = new Set()) {
  if (seen.has(config)) return [];
  seen.add(config);
  const dir = path.dirname(config);
  const json = JSON.parse(fs.readFileSync(config, "utf8"));
  const files = [config, path.join(dir, "package.json")];
  for (let parent = json.extends; parent;) {
    const file = path.resolve(dir, parent);
    files.push(file);
    parent = JSON.parse(fs.readFileSync(file, "utf8")).extends;
  }
  for (const include of json.include ?? []) files.push(...sources(path.join(dir, include)));
  for (const reference of json.references ?? []) {
    const target = path.resolve(dir, reference.path);
    const file = target.endsWith(".json") ? target : path.join(target, "tsconfig.json");
    files.push(...buildInputs(file, seen));
  }
  return files;
}

function sources(entry) {
  const stat = fs.statSync(entry, { throwIfNoEntry: false });
  if (!stat) return [];
  if (!stat.isDirectory()) return [entry];
  return fs.readdirSync(entry, { withFileTypes: true }).flatMap((child) => {
    const file = path.join(entry, child.name);
    if (child.isDirectory()) return sources(file);
    return /\.(c|m)?tsx?$|\.json$/.test(child.name) && !/\.test\.tsx?$/.test(child.name) ? [file] : [];
  });
}

/** Path, size and modification time of every input: cheap to take, and any edit changes it. */
function fingerprint(config = BUILD_CONFIG, extra = [LOCKFILE, BUNDLER]) {
  const root = path.dirname(config);
  const hash = createHash("sha256");
  for (const file of [...new Set([...buildInputs(config), ...extra])].sort()) {
    const stat = fs.statSync(file, { throwIfNoEntry: false });
    hash.update(`${path.relative(root, file)}\0${stat ? `${stat.size}\0${stat.mtimeMs}` : "absent"}\n`);
  }
  return hash.digest("hex");
}

function readStamp(stamp) {
  try {
    return fs.readFileSync(stamp, "utf8").trim();
  } catch {
    return undefined;
  }
}

/** What `pnpm --filter @platform/devctl... build` does: compile (with the referenced projects), then bundle. */
function build(config) {
  const tsc = require.resolve("typescript/bin/tsc", { paths: [CLI] });
  // Compiler output goes to stderr: stdout belongs to devctl (`--json` prints one document there).
  const run = (args) => spawnSync(process.execPath, args, { stdio: ["ignore", 2, 2] }).status === 0;
  return run([tsc, "-b", config]) && run([BUNDLER]);
}

/**
 * Rebuilds when the inputs differ from the stamp (or the entry is missing); returns false when the build
 * failed, and then leaves the stamp alone so the next call tries again.
 */
function ensureBuilt({ config = BUILD_CONFIG, stamp = STAMP, entry = ENTRY, extra = [LOCKFILE, BUNDLER], rebuild = build } = {}) {
  // Taken before building, so an edit made while tsc runs still counts as a change next time.
  const current = fingerprint(config, extra);
  if (current === readStamp(stamp) && fs.existsSync(entry)) return true;
  if (!rebuild(config)) return false;
  fs.mkdirSync(path.dirname(stamp), { recursive: true });
  fs.writeFileSync(stamp, `${current}\n`);
  return true;
}

if (require.main === module) {
  if (ensureBuilt()) {
    require("../bin/devctl.js");
  } else {
    process.stderr.write("devctl: the build failed (errors above); fix them and run the command again.\n");
    process.exitCode = 1;
  }
}

module.exports = { buildInputs, fingerprint, ensureBuilt };

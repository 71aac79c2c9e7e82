#!/usr/bin/env node
// Wall time of `devctl --help` against `node -e 0`, measured in the same run, interleaved so both see the
// same machine load. Also checks that --help loads neither the Automation API nor an AWS SDK client.
// Usage: node cli/scripts/bench-help.mjs [runs]   (pnpm --filter @platform/devctl bench)
import { spawnSync } from "node:child_process";
import { fileURLToPath } from "node:url";
import path from "node:path";

const cli = path.resolve(path.dirname(fileURLToPath(import.meta.url)), "..");
const bin = path.join(cli, "bin", "devctl.js");
const runs = Number(process.argv[2] ?? 15);

const build = spawnSync("npx", ["tsc", "-b", path.join(cli, "tsconfig.build.json")], { stdio: "inherit" });
if (build.status !== 0) process.exit(build.status ?? 1);

function time(args) {
  const started = process.hrtime.bigint();
  const result = spawnSync(process.execPath, args, { stdio: ["ignore", "pipe", "pipe"] });
  const ms = Number(process.hrtime.bigint() - started) / 1e6;
  if (result.status !== 0) throw new Error(`node ${args.join(" ")} exited ${result.status}: ${result.stderr}`);
  return ms;
}

const median = (values) => {
  const sorted = [...values].sort((a, b) => a - b);
  const mid = Math.floor(sorted.length / 2);
  return sorted.length % 2 ? sorted[mid] : (sorted[mid - 1] + sorted[mid]) / 2;
};

// One warm-up each (disk cache), then interleaved measurements.
time(["-e", "0"]);
time([bin, "--help"]);
const node = [];
const help = [];
for (let i = 0; i < runs; i++) {
  node.push(time(["-e", "0"]));
  help.push(time([bin, "--help"]));
}

const probe = spawnSync(
  process.execPath,
  ["-e", `require(${JSON.stringify(path.join(cli, "dist", "main.js"))}).main(["--help"], { out() {}, err() {}, interactive: false, ask: async () => "", env: {} }).then(() => { const heavy = Object.keys(require.cache).filter((m) => /@pulumi[\\/]pulumi|@aws-sdk/.test(m)); console.log(JSON.stringify({ modules: Object.keys(require.cache).length, heavy })); })`],
  { encoding: "utf8" },
);
const loaded = JSON.parse(probe.stdout.trim().split("\n").pop() ?? "{}");

const nodeMs = median(node);
const helpMs = median(help);
console.log(`runs: ${runs} each, interleaved`);
console.log(`node -e 0        median ${nodeMs.toFixed(1)} ms`);
console.log(`devctl --help    median ${helpMs.toFixed(1)} ms`);
console.log(`ratio            ${(helpMs / nodeMs).toFixed(2)}x (aim: < 2x)`);
console.log(`modules loaded by --help: ${loaded.modules}; Pulumi/AWS SDK among them: ${loaded.heavy?.length ? loaded.heavy.join(", ") : "none"}`);
if (loaded.heavy?.length) process.exitCode = 1;

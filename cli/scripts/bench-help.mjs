#!/usr/bin/env node
// Start-up cost a user feels, measured in one run, interleaved so every variant sees the same machine load:
//   1. `devctl --help` against `node -e 0`                    (aim: median wall ≤ 1.2×)
//   2. `pnpm devctl --help` against `node cli/bin/devctl.js`  (aim: ≤ 0.3 s more when nothing changed)
// Wall time is what the targets are about; on a shared machine it swings with the load, so each variant's
// CPU time (user + system, from the kernel's accounting of finished children) is shown beside it as the
// steadier figure. Also checks that --help loads neither the Automation API nor an AWS SDK client.
// Usage: node cli/scripts/bench-help.mjs [runs]   (pnpm --filter @platform/devctl bench)
import { spawnSync } from "node:child_process";
import * as fs from "node:fs";
import { createRequire } from "node:module";
import * as os from "node:os";
import * as path from "node:path";

const cli = path.resolve(import.meta.dirname, "..");
const root = path.resolve(cli, "..");
const bin = path.join(cli, "bin", "devctl.js");
const runs = Number(process.argv[2] ?? 15);

if (!createRequire(import.meta.url)("./devctl-from-source.cjs").ensureBuilt()) process.exit(1);
const pnpm = process.env.npm_execpath && !process.env.npm_execpath.endsWith(".js") ? process.env.npm_execpath : "pnpm";

const TICKS_PER_SECOND = 100; // USER_HZ on Linux
/** CPU seconds (user + system) of this process's waited-for children so far, from /proc/self/stat. */
function childrenCpuMs() {
  const fields = fs.readFileSync("/proc/self/stat", "utf8").split(") ")[1]?.split(" ") ?? [];
  // After "pid (comm) ", cutime and cstime are fields 14 and 15 (0-based 13 and 14 here).
  return ((Number(fields[13]) + Number(fields[14])) * 1000) / TICKS_PER_SECOND;
}

function time(command, args) {
  const cpuBefore = childrenCpuMs();
  const started = process.hrtime.bigint();
  const result = spawnSync(command, args, { stdio: ["ignore", "pipe", "pipe"], cwd: root });
  const wall = Number(process.hrtime.bigint() - started) / 1e6;
  if (result.status !== 0) throw new Error(`${command} ${args.join(" ")} exited ${result.status}: ${result.stderr}`);
  return { wall, cpu: childrenCpuMs() - cpuBefore };
}

const median = (values) => {
  const sorted = [...values].sort((a, b) => a - b);
  const mid = Math.floor(sorted.length / 2);
  return sorted.length % 2 ? sorted[mid] : (sorted[mid - 1] + sorted[mid]) / 2;
};
const sum = (values) => values.reduce((a, b) => a + b, 0);

/** Runs the variants round-robin (one warm-up each first); returns median wall and mean CPU per variant. */
function interleaved(variants) {
  for (const v of variants) time(v.command, v.args);
  const samples = variants.map(() => []);
  for (let i = 0; i < runs; i++) variants.forEach((v, j) => samples[j].push(time(v.command, v.args)));
  return samples.map((s) => ({ wall: median(s.map((x) => x.wall)), cpu: sum(s.map((x) => x.cpu)) / s.length }));
}

const load = () =>
  os
    .loadavg()
    .map((l) => l.toFixed(2))
    .join(", ");
console.log(`runs: ${runs} per variant, interleaved; ${os.availableParallelism()} cores, load average before: ${load()}`);

// The unbundled entry (what bin/devctl.js ran before the start-up bundle) as a reference in the same run,
// started from a script file as bin/devctl.js is (`node -e` skips the main-script lookup and costs less).
const unbundled = path.join(fs.mkdtempSync(path.join(os.tmpdir(), "devctl-bench-")), "unbundled.js");
fs.writeFileSync(
  unbundled,
  `require(${JSON.stringify(path.join(cli, "dist", "main.js"))}).main(process.argv.slice(2)).then((code) => { process.exitCode = code; });\n`,
);
const [node, help, plain] = interleaved([
  { command: process.execPath, args: ["-e", "0"] },
  { command: process.execPath, args: [bin, "--help"] },
  { command: process.execPath, args: [unbundled, "--help"] },
]);
fs.rmSync(path.dirname(unbundled), { recursive: true, force: true });
console.log(`node -e 0                 median ${node.wall.toFixed(1)} ms wall, mean ${node.cpu.toFixed(1)} ms CPU`);
console.log(`devctl --help             median ${help.wall.toFixed(1)} ms wall, mean ${help.cpu.toFixed(1)} ms CPU`);
console.log(
  `  unbundled dist/main.js  median ${plain.wall.toFixed(1)} ms wall, mean ${plain.cpu.toFixed(1)} ms CPU (${(plain.wall / node.wall).toFixed(2)}x wall, ${(plain.cpu / node.cpu).toFixed(2)}x CPU)`,
);
const helpRatio = help.wall / node.wall;
console.log(
  `ratio                     ${helpRatio.toFixed(2)}x wall, ${(help.cpu / node.cpu).toFixed(2)}x CPU (aim: wall ≤ 1.2x) ${helpRatio <= 1.2 ? "ok" : "OVER"}`,
);

const [direct, viaPnpm] = interleaved([
  { command: process.execPath, args: [bin, "--help"] },
  { command: pnpm, args: ["--silent", "devctl", "--help"] },
]);
const added = viaPnpm.wall - direct.wall;
console.log(`node cli/bin/devctl.js    median ${direct.wall.toFixed(1)} ms wall`);
console.log(`pnpm devctl (up to date)  median ${viaPnpm.wall.toFixed(1)} ms wall: +${added.toFixed(0)} ms (aim: ≤ 300 ms) ${added <= 300 ? "ok" : "OVER"}`);
console.log(`load average after: ${load()}`);

// What --help loads through the bundle, the entry bin/devctl.js uses when it is current.
const entry = path.join(cli, "dist", fs.existsSync(path.join(cli, "dist", "devctl.js")) ? "devctl.js" : "main.js");
const probe = spawnSync(
  process.execPath,
  [
    "-e",
    `require(${JSON.stringify(entry)}).main(["--help"], { out() {}, err() {}, interactive: false, ask: async () => "", env: {} }).then(() => { const heavy = Object.keys(require.cache).filter((m) => /@pulumi[\\/]pulumi|@aws-sdk/.test(m)); console.log(JSON.stringify({ modules: Object.keys(require.cache).length, heavy })); })`,
  ],
  { encoding: "utf8" },
);
const loaded = JSON.parse(probe.stdout.trim().split("\n").pop() ?? "{}");
console.log(
  `modules loaded by --help (${path.relative(cli, entry)}): ${loaded.modules}; Pulumi/AWS SDK among them: ${loaded.heavy?.length ? loaded.heavy.join(", ") : "none"}`,
);
if (loaded.heavy?.length) process.exitCode = 1;

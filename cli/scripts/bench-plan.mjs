#!/usr/bin/env node
// Measures `devctl plan <env>` (default prod, all layers): wall time of the whole command, as a user runs
// it, and the process's peak memory (max RSS). Runs the compiled CLI, so build first:
//   pnpm --filter @platform/devctl build && node cli/scripts/bench-plan.mjs [env] [runs]
import { spawnSync } from "node:child_process";
import * as path from "node:path";

const [environment = "prod", runsArg = "3"] = process.argv.slice(2);
const runs = Number(runsArg);
const main = path.resolve(import.meta.dirname, "..", "dist", "main.js");
// The child reports its own peak RSS when it exits; stdout (the plan) is discarded.
const child = `
  const { main } = require(${JSON.stringify(main)});
  main(["plan", ${JSON.stringify(environment)}, "--json"], {
    out: () => undefined, err: (t) => process.stderr.write(t.endsWith("\\n") ? t : t + "\\n"),
    interactive: false, ask: async () => "", env: process.env,
  }).then((code) => {
    process.stderr.write("BENCH " + JSON.stringify({ code, maxRssKb: process.resourceUsage().maxRSS }) + "\\n");
    process.exitCode = code;
  });`;

const results = [];
for (let i = 0; i < runs; i++) {
  const started = process.hrtime.bigint();
  const run = spawnSync(process.execPath, ["-e", child], { encoding: "utf8" });
  const wallMs = Number(process.hrtime.bigint() - started) / 1e6;
  const line = run.stderr.split("\n").find((l) => l.startsWith("BENCH "));
  if (!line) {
    process.stderr.write(run.stderr);
    throw new Error(`run ${i + 1} did not finish (exit ${run.status})`);
  }
  const { code, maxRssKb } = JSON.parse(line.slice(6));
  const layers = run.stderr.split("\n").filter((l) => / resources, /.test(l)).map((l) => l.replace(/^plan: /, ""));
  results.push({ wallMs, maxRssKb, code });
  console.log(`run ${i + 1}: ${(wallMs / 1000).toFixed(2)} s wall, ${(maxRssKb / 1024).toFixed(0)} MiB max RSS, exit ${code}  [${layers.join("; ")}]`);
}
const sorted = results.map((r) => r.wallMs).sort((a, b) => a - b);
const median = sorted[Math.floor(sorted.length / 2)] ?? 0;
const peak = Math.max(...results.map((r) => r.maxRssKb));
console.log(`devctl plan ${environment}: median ${(median / 1000).toFixed(2)} s wall over ${runs} runs, peak ${(peak / 1024).toFixed(0)} MiB RSS`);

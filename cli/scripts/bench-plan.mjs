#!/usr/bin/env node
// Measures `devctl plan <env>` (default prod, all layers) as a user runs it (bin/devctl.js, --json, stdout
// discarded): the process's own wall time from start to exit ("in-process", aim ≤ 1.5 s for prod), its
// CPU time (steadier than wall on a shared machine), its peak memory (max RSS, aim ≤ 200 MiB), and the
// time of each layer as the plan reports it. Builds first when a source changed. bin/devctl.js replaces itself
// (execve) with a node given --max-semi-space-size for plan: the --import hook is in the execArgv it passes on,
// so the figures are the working process's (the first image exits through execve, running no exit handler;
// max RSS and CPU time carry over the exec). The command's whole wall time, both starts, is shown beside.
// Usage: node cli/scripts/bench-plan.mjs [env] [runs]   (pnpm --filter @platform/devctl bench:plan)
import { spawnSync } from "node:child_process";
import { createRequire } from "node:module";
import * as os from "node:os";
import * as path from "node:path";

const [environment = "prod", runsArg = "5"] = process.argv.slice(2);
const runs = Number(runsArg);
const cli = path.resolve(import.meta.dirname, "..");
const bin = path.join(cli, "bin", "devctl.js");

if (!createRequire(import.meta.url)("./devctl-from-source.cjs").ensureBuilt()) process.exit(1);

// Loaded before devctl with --import: reports the process's own figures as it exits.
const REPORT = `process.on("exit", (code) => {
  const usage = process.resourceUsage();
  process.stderr.write("BENCH " + JSON.stringify({ code, wallMs: performance.now(), cpuMs: (usage.userCPUTime + usage.systemCPUTime) / 1000, maxRssKb: usage.maxRSS, execArgv: process.execArgv.filter((a) => !a.startsWith("data:") && a !== "--import") }) + "\\n");
});`;
const hook = `data:text/javascript,${encodeURIComponent(REPORT)}`;

const median = (values) => {
  const sorted = [...values].sort((a, b) => a - b);
  const mid = Math.floor(sorted.length / 2);
  return sorted.length % 2 ? sorted[mid] : (sorted[mid - 1] + sorted[mid]) / 2;
};

console.log(
  `devctl plan ${environment}: ${runs} runs; ${os.availableParallelism()} cores, load average before: ${os
    .loadavg()
    .map((l) => l.toFixed(2))
    .join(", ")}`,
);
const results = [];
const layerMs = new Map();
for (let i = 0; i < runs; i++) {
  const started = performance.now();
  const run = spawnSync(process.execPath, ["--import", hook, bin, "plan", environment, "--json"], { encoding: "utf8", maxBuffer: 64 * 1024 * 1024 });
  const line = run.stderr.split("\n").find((l) => l.startsWith("BENCH "));
  if (!line || run.status !== 0) {
    process.stderr.write(run.stderr);
    throw new Error(`run ${i + 1} failed (exit ${run.status})`);
  }
  const result = { ...JSON.parse(line.slice(6)), commandMs: performance.now() - started };
  results.push(result);
  // "plan: network: 120 resources, 0 findings in 836 ms"
  const layers = [...run.stderr.matchAll(/^plan: (\w+): (\d+) resources, (\d+) findings in (\d+) ms$/gm)].map(([, layer, resources, , ms]) => {
    layerMs.set(layer, [...(layerMs.get(layer) ?? []), Number(ms)]);
    return `${layer} ${ms} ms (${resources} resources)`;
  });
  console.log(
    `run ${i + 1}: ${(result.wallMs / 1000).toFixed(2)} s wall (command ${(result.commandMs / 1000).toFixed(2)} s), ${(result.cpuMs / 1000).toFixed(2)} s CPU, ${(result.maxRssKb / 1024).toFixed(0)} MiB max RSS, node ${result.execArgv.join(" ") || "(no flags)"}  [${layers.join("; ")}]`,
  );
}
const wall = median(results.map((r) => r.wallMs)) / 1000;
const command = median(results.map((r) => r.commandMs)) / 1000;
const cpu = median(results.map((r) => r.cpuMs)) / 1000;
const peak = Math.max(...results.map((r) => r.maxRssKb)) / 1024;
const perLayer = [...layerMs].map(([layer, ms]) => `${layer} ${median(ms).toFixed(0)} ms`).join(", ");
console.log(`per layer (median): ${perLayer}`);
console.log(
  `devctl plan ${environment}: median ${wall.toFixed(2)} s wall in-process (aim ≤ 1.5 s) ${wall <= 1.5 ? "ok" : "OVER"}, ${command.toFixed(2)} s wall for the command, ${cpu.toFixed(2)} s CPU, peak ${peak.toFixed(0)} MiB RSS (aim ≤ 200 MiB) ${peak <= 200 ? "ok" : "OVER"}`,
);
console.log(
  `load average after: ${os
    .loadavg()
    .map((l) => l.toFixed(2))
    .join(", ")}`,
);

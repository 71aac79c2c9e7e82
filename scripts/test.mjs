#!/usr/bin/env node
// `pnpm test`: type-check, lint and every vitest test, as before, but on two lanes at once. Vitest runs one
// worker on a 2-core machine (its default is cores - 1), so the second core was idle while it ran; the
// type check and the lint, one after the other, fill it. Nothing is skipped or cached: from a clean clone
// this does exactly what `typecheck && lint && vitest run` did. Vitest's output streams live; the other
// lane's output is printed whole when each step ends, so the two never interleave mid-line.
// Extra arguments go to vitest (e.g. `pnpm test -- --project cli`). Exits non-zero when any step failed.
import { spawn } from "node:child_process";
import * as os from "node:os";

const started = performance.now();
const results = [];

/**
 * Runs one step; resolves to its exit code. `live` streams its output, otherwise it is printed when done.
 * `background` lowers its CPU priority (and its children's): the checks only take CPU vitest leaves idle,
 * so timing-sensitive tests (the service's graceful-shutdown drain) see the machine as they did before.
 */
function step(name, command, args, { live, background = false }) {
  const begun = performance.now();
  return new Promise((resolve) => {
    const child = spawn(command, args, { stdio: live ? "inherit" : ["ignore", "pipe", "pipe"] });
    if (background && child.pid) {
      try {
        os.setPriority(child.pid, 10);
      } catch {
        // Already gone (it failed at once): its exit code tells the rest.
      }
    }
    const chunks = [];
    child.stdout?.on("data", (chunk) => chunks.push(chunk));
    child.stderr?.on("data", (chunk) => chunks.push(chunk));
    child.on("error", (error) => chunks.push(Buffer.from(`${error.message}\n`)));
    child.on("close", (code, signal) => {
      const exit = code ?? (signal ? 1 : 0);
      const seconds = ((performance.now() - begun) / 1000).toFixed(1);
      results.push({ name, exit, seconds });
      const output = Buffer.concat(chunks).toString();
      if (output.trim()) process.stdout.write(`\n--- ${name} (${seconds} s) ---\n${output}${output.endsWith("\n") ? "" : "\n"}`);
      process.stdout.write(`test: ${name} ${exit === 0 ? "passed" : `FAILED (exit ${exit})`} in ${seconds} s\n`);
      resolve(exit);
    });
  });
}

const checks = (async () => {
  const typecheck = await step("typecheck", "pnpm", ["run", "--silent", "typecheck"], { live: false, background: true });
  const lint = await step("lint", "pnpm", ["run", "--silent", "lint"], { live: false, background: true });
  return typecheck || lint;
})();
// pnpm passes a literal "--" through when the caller separates its own flags with one.
const vitestArgs = process.argv.slice(2).filter((arg, i) => !(i === 0 && arg === "--"));
const tests = step("vitest", "pnpm", ["exec", "vitest", "run", ...vitestArgs], { live: true });

const failed = (await Promise.all([checks, tests])).some((code) => code !== 0);
const summary = results.map((r) => `${r.name} ${r.exit === 0 ? "ok" : "failed"} ${r.seconds} s`).join(", ");
process.stdout.write(`test: ${summary}; ${((performance.now() - started) / 1000).toFixed(1)} s in all\n`);
process.exitCode = failed ? 1 : 0;

/**
 * devctl plan keeps TypeScript and npm's Arborist (pacote, sigstore, …) unloaded, and a stand-in still gives
 * the real module the moment something uses it (issue #18: the plan's ~35 MiB). Each check runs in a fresh
 * Node process, where require.cache shows what was really loaded.
 */
import { spawnSync } from "node:child_process";
import * as fs from "node:fs";
import * as path from "node:path";
import { describe, expect, it } from "vitest";
import { ARBORIST_EXPORTS, deferredFiles } from "./defer-closure-modules";

const CLI = path.resolve(__dirname, "..", "..");
const MAIN = path.join(CLI, "dist", "main.js");
/** Files of the real modules (the stand-in sits under arborist's lib/index.js, which loads lib/arborist/). */
const HEAVY = String.raw`/[\\/]node_modules[\\/](typescript|pacote|sigstore|@sigstore[\\/][^\\/]+)[\\/]|@npmcli[\\/]arborist[\\/]lib[\\/]arborist[\\/]/`;
const HEAVY_LOADED = `Object.keys(require.cache).filter((m) => ${HEAVY}.test(m)).length`;

function runNode(script: string): Record<string, unknown> {
  const env = { ...process.env };
  delete env.VITEST;
  const run = spawnSync(process.execPath, ["-e", script], { cwd: __dirname, env, encoding: "utf8", timeout: 60_000 });
  expect(run.status, run.stderr).toBe(0);
  return JSON.parse(run.stdout.trim().split("\n").at(-1)!) as Record<string, unknown>;
}

/** Loads this folder's TypeScript with tsx, then @pulumi/pulumi as devctl resolves it; `withStandIns` first or not. */
function pulumiScript(withStandIns: boolean, body: string): string {
  return `
    const unregister = require("tsx/cjs/api").register();
    const defer = require("./defer-closure-modules.ts");
    unregister();
    const deferred = ${withStandIns} ? defer.deferClosureModules() : [];
    const pulumi = require("@pulumi/pulumi");
    const heavyAtLoad = ${HEAVY_LOADED};
    (async () => { ${body} })().catch((e) => { console.error(e); process.exit(1); });`;
}

describe("deferClosureModules", () => {
  it.skipIf(!fs.existsSync(MAIN))("devctl plan (built) evaluates prod without TypeScript, npm's Arborist, or an action's AWS and Kubernetes clients", () => {
    // The AWS SDK clients and the Kubernetes clients belong to devctl's own actions (dr, rollouts), never to a plan.
    const actionsOnly = String.raw`/@aws-sdk[\\/]|@smithy[\\/]|@kubernetes[\\/]client-node|@pulumi[\\/]kubernetes/`;
    const script = `const { main } = require(${JSON.stringify(MAIN)});
      const io = { out() {}, err() {}, interactive: false, ask: async () => "", env: {} };
      main(["plan", "prod", "--json"], io).then((code) => {
        const loaded = (pattern) => Object.keys(require.cache).filter((m) => pattern.test(m));
        console.log(JSON.stringify({ code, heavy: loaded(${HEAVY}), actionsOnly: loaded(${actionsOnly}) }));
      });`;
    expect(runNode(script)).toEqual({ code: 0, heavy: [], actionsOnly: [] });
  });

  it("keeps both modules unloaded while @pulumi/pulumi loads, and serializes a function exactly as without stand-ins", () => {
    const body = `
      const text = (await pulumi.runtime.serializeFunction(() => ({ answer: 42 }))).text;
      console.log(JSON.stringify({ deferred: deferred.length, heavyAtLoad, text, heavyAfter: ${HEAVY_LOADED} > 0 }));`;
    const deferred = runNode(pulumiScript(true, body));
    const eager = runNode(pulumiScript(false, body));
    expect(deferred).toMatchObject({ deferred: 2, heavyAtLoad: 0, heavyAfter: true });
    expect(eager.heavyAtLoad).toBeGreaterThan(0);
    expect(deferred.text).toBe(eager.text);
    expect(deferred.text).toContain("42");
  });

  it("gives the real Arborist to code that constructs it through the stand-in", () => {
    const body = `
      const standIn = require(${JSON.stringify(deferredFiles().arborist)});
      const before = ${HEAVY_LOADED};
      const tree = new standIn.Arborist({ path: ${JSON.stringify(CLI)} });
      const real = require(${JSON.stringify(deferredFiles().arborist)});
      console.log(JSON.stringify({ before, real: tree instanceof real.Arborist, realIsCached: real !== standIn, path: tree.path }));`;
    expect(runNode(pulumiScript(true, body))).toEqual({ before: 0, real: true, realIsCached: true, path: CLI });
  });

  it("names every export of the installed @npmcli/arborist (an upgrade that adds one fails here)", () => {
    const real = require(deferredFiles().arborist) as Record<string, unknown>; // eslint-disable-line @typescript-eslint/no-require-imports
    expect(Object.keys(real)).toEqual([...ARBORIST_EXPORTS]);
  });
});

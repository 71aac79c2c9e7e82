import { execFile } from "node:child_process";
import * as path from "node:path";
import { promisify } from "node:util";
import { beforeAll, describe, expect, it } from "vitest";
import { LAYER_OUTPUT_NAMES } from "@platform/infra/layers";

const run = promisify(execFile);
const ROOT = path.resolve(__dirname, "..");
const SCRIPT = path.join(__dirname, "support", "run-like-pulumi.cjs");
const PINNED = `123456789012.dkr.ecr.eu-west-1.amazonaws.com/prod-release-ledger@sha256:${"a".repeat(64)}`;

/** Loads a project the way `pulumi up` does (ts-node with type checking, built workspace packages). */
async function loadLikePulumi(folder: string, stack: string, ...config: string[]): Promise<{ outputs: string[]; resources: number }> {
  const { stdout } = await run(process.execPath, [SCRIPT, path.join(ROOT, folder), stack, ...config], {
    cwd: ROOT,
    env: { ...process.env, PULUMI_NODEJS_TRANSPILE_ONLY: "" },
    maxBuffer: 16 * 1024 * 1024,
  });
  return JSON.parse(stdout.trim().split("\n").pop() ?? "{}") as { outputs: string[]; resources: number };
}

describe("the Pulumi projects load as the Pulumi CLI's Node.js language host loads them", () => {
  beforeAll(async () => {
    // Workspace packages resolve to their built dist/ at run time: build what is stale (a no-op when current).
    await run(path.join(ROOT, "node_modules", ".bin", "tsc"), ["-b", "cli/tsconfig.build.json"], { cwd: ROOT });
  }, 240_000);

  it.concurrent("root project: validates the environment and creates nothing", async () => {
    const result = await loadLikePulumi(".", "staging");
    expect(result.resources).toBe(0);
    expect(result.outputs).toContain("tier");
  }, 120_000);

  it.concurrent("network (staging): type-checks, runs and exports its contract", async () => {
    const result = await loadLikePulumi("stacks/network", "staging");
    expect(result.outputs).toEqual([...LAYER_OUTPUT_NAMES.network].sort());
    expect(result.resources).toBeGreaterThan(50);
  }, 120_000);

  it.concurrent("data (prod): type-checks, runs and exports its contract", async () => {
    const result = await loadLikePulumi("stacks/data", "prod");
    expect(result.outputs).toEqual([...LAYER_OUTPUT_NAMES.data].sort());
  }, 120_000);

  it.concurrent("compute (prod, a promoted image): type-checks, runs and exports its contract", async () => {
    const result = await loadLikePulumi("stacks/compute", "prod", `platform-compute:image=${PINNED}`);
    expect(result.outputs).toEqual([...LAYER_OUTPUT_NAMES.compute].sort());
  }, 120_000);
});

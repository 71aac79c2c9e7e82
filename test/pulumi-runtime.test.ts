import { execFile } from "node:child_process";
import { createRequire } from "node:module";
import * as path from "node:path";
import { promisify } from "node:util";
import { beforeAll, describe, expect, it } from "vitest";
import { LAYER_OUTPUT_NAMES } from "@platform/infra/layers";
import { typecheckLikeTsNode, type TsNodeLoad } from "./support/typecheck-like-ts-node";

const run = promisify(execFile);
const ROOT = path.resolve(__dirname, "..");
const SCRIPT = path.join(__dirname, "support", "run-like-pulumi.cjs");
const PINNED = `123456789012.dkr.ecr.eu-west-1.amazonaws.com/prod-release-ledger@sha256:${"a".repeat(64)}`;

interface Load {
  readonly outputs: string[];
  readonly resources: number;
  readonly typescript: TsNodeLoad;
}

/**
 * Loads a project the way `pulumi up` does: cwd = the project, ts-node registered with the language host's
 * options, workspace packages from their built dist/. It runs transpile-only; the type check ts-node would
 * do on the same load is done once for all four below (typecheckLikeTsNode), which is the same check:
 * ts-node with type checking reports the syntactic and semantic diagnostics of each file it compiles, using
 * the parsed options of the project's tsconfig, the TypeScript @pulumi/pulumi resolves, and its ignore list.
 * The run reports exactly those options and files, and the check repeats exactly that, once, in one program
 * per distinct set of options. Measured at the same machine load: 20 s for that one check of all four, 21 s
 * for ts-node type-checking the compute program alone (each of the four language services read the whole
 * AWS provider's declarations again), 3 s for the same load transpile-only.
 */
async function loadLikePulumi(folder: string, stack: string, ...config: string[]): Promise<Load> {
  const { stdout } = await run(process.execPath, [SCRIPT, path.join(ROOT, folder), stack, ...config], {
    cwd: ROOT,
    env: { ...process.env, PULUMI_NODEJS_TRANSPILE_ONLY: "true" },
    maxBuffer: 16 * 1024 * 1024,
  });
  return JSON.parse(stdout.trim().split("\n").pop() ?? "{}") as Load;
}

const buildScript = createRequire(__filename)("../cli/scripts/devctl-from-source.cjs") as { ensureBuilt(): boolean };

describe("the Pulumi projects load as the Pulumi CLI's Node.js language host loads them", () => {
  const loads: Record<"root" | "network" | "data" | "compute", Promise<Load>> = {} as never;

  beforeAll(() => {
    // Workspace packages resolve to their built dist/ at run time: build what is stale (a no-op when current).
    expect(buildScript.ensureBuilt()).toBe(true);
    // The four loads run side by side; each test awaits its own.
    loads.root = loadLikePulumi(".", "staging");
    loads.network = loadLikePulumi("stacks/network", "staging");
    loads.data = loadLikePulumi("stacks/data", "prod");
    loads.compute = loadLikePulumi("stacks/compute", "prod", `platform-compute:image=${PINNED}`);
    // A rejection is reported by the test that awaits it, not as an unhandled rejection first.
    for (const load of Object.values(loads)) load.catch(() => undefined);
  }, 240_000);

  it.concurrent(
    "root project: validates the environment and creates nothing",
    async () => {
      const result = await loads.root;
      expect(result.resources).toBe(0);
      expect(result.outputs).toContain("tier");
    },
    120_000,
  );

  it.concurrent(
    "network (staging): runs and exports its contract",
    async () => {
      const result = await loads.network;
      expect(result.outputs).toEqual([...LAYER_OUTPUT_NAMES.network].sort());
      expect(result.resources).toBeGreaterThan(50);
    },
    120_000,
  );

  it.concurrent(
    "data (prod): runs and exports its contract",
    async () => {
      const result = await loads.data;
      expect(result.outputs).toEqual([...LAYER_OUTPUT_NAMES.data].sort());
    },
    120_000,
  );

  it.concurrent(
    "compute (prod, a promoted image): runs and exports its contract",
    async () => {
      const result = await loads.compute;
      expect(result.outputs).toEqual([...LAYER_OUTPUT_NAMES.compute].sort());
    },
    120_000,
  );

  it.concurrent(
    "every file those loads compiled type-checks as ts-node would check it",
    async () => {
      const compiled = await Promise.all(Object.values(loads));
      // The check must cover each project's entry and its local sources, not just whatever happened to load.
      const files = compiled.flatMap((load) => load.typescript.files).map((file) => path.relative(ROOT, file));
      expect(files).toEqual(
        expect.arrayContaining([
          "infra/src/environment/root-program.ts",
          "stacks/network/index.ts",
          "stacks/data/src/program.ts",
          "stacks/compute/src/program.ts",
        ]),
      );
      expect(
        typecheckLikeTsNode(
          ROOT,
          compiled.map((load) => load.typescript),
        ),
      ).toEqual([]);
    },
    240_000,
  );
});

/**
 * An environment on another platform never loads the Kubernetes SDK: devctl plan of an ECS environment stays under
 * its memory aim (`devctl plan prod` ≤ 200 MiB peak RSS, cli/README.md). Checked in a fresh Node process, where
 * require.cache shows what was really loaded.
 */
import { spawnSync } from "node:child_process";
import { createRequire } from "node:module";
import * as path from "node:path";
import { describe, expect, it } from "vitest";

// ts-node compiles the sources with TypeScript's own CommonJS emit, as tsc builds infra's dist/ for devctl and as
// Pulumi runs a program (`import * as` becomes __importStar, which reads every export of the module).
const tsNode = createRequire(__filename).resolve("ts-node");
const REGISTER = `require(${JSON.stringify(tsNode)}).register({ transpileOnly: true, compilerOptions: { module: "commonjs", moduleResolution: "node" } })`;

/** Files of @pulumi/kubernetes in require.cache after the script ran. */
function kubernetesFilesAfter(script: string): string[] {
  const run = spawnSync(
    process.execPath,
    ["-e", `${REGISTER}; ${script}; console.log(JSON.stringify(Object.keys(require.cache).filter((m) => m.includes("@pulumi/kubernetes"))))`],
    { cwd: __dirname, encoding: "utf8", timeout: 60_000 },
  );
  expect(run.status, run.stderr).toBe(0);
  return JSON.parse(run.stdout) as string[];
}

describe("EksWebService", () => {
  it("loads @pulumi/kubernetes only when an EKS service is built, not with the components", () => {
    const loaded = kubernetesFilesAfter(
      `const c = require(${JSON.stringify(path.join(__dirname, "..", "..", "index.ts"))}); if (typeof c.EksWebService !== "function") throw new Error("no EksWebService")`,
    );
    expect(loaded).toEqual([]);
  });
});

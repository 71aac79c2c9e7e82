import { spawnSync } from "node:child_process";
import * as path from "node:path";
import { describe, expect, it } from "vitest";
import { REPOSITORY_ROOT } from "@platform/infra/environment";
import { loadLayerPrograms, programExport, programFile } from "./load-program";

describe("loadLayerPrograms", () => {
  it("finds each layer's program function by the convention", async () => {
    const programs = await loadLayerPrograms(REPOSITORY_ROOT, ["network", "data", "compute"]);
    for (const layer of ["network", "data", "compute"] as const) {
      const found = programs.get(layer)!;
      expect(found.found, layer).toBe(true);
      expect(found.file).toBe(path.join(REPOSITORY_ROOT, "stacks", layer, "src", "program.ts"));
    }
    expect(programExport("compute")).toBe("computeProgram");
  });

  it("says which layer has no program yet instead of failing", async () => {
    const root = path.resolve(__dirname, "..", "..", "test", "fixtures", "plan-bad");
    const programs = await loadLayerPrograms(root, ["network", "data"]);
    expect(programs.get("network")!.found).toBe(true);
    expect(programs.get("data")).toEqual({ found: false, file: programFile(root, "data"), reason: "stacks/data/src/program.ts does not exist yet" });
  });

  it("outside vitest, loads the TypeScript programs through tsx as compiled devctl does", () => {
    // A child without VITEST takes the same path as `node cli/bin/devctl.js plan`.
    const script = `
      const { register } = require("tsx/cjs/api");
      const api = register({ namespace: "load-program-test" });
      const { loadLayerPrograms } = api.require("./load-program.ts", ${JSON.stringify(__filename)});
      api.unregister();
      loadLayerPrograms(${JSON.stringify(REPOSITORY_ROOT)}, ["network", "data", "compute"]).then((programs) => {
        const summary = [...programs].map(([layer, p]) => layer + ":" + (p.found ? typeof p.program : p.reason));
        console.log(JSON.stringify({ summary, sourceMaps: process.sourceMapsEnabled }));
      });`;
    const env = { ...process.env };
    delete env.VITEST;
    const child = spawnSync(process.execPath, ["-e", script], { cwd: __dirname, env, encoding: "utf8", timeout: 60_000 });
    expect(child.stderr).toBe("");
    expect(JSON.parse(child.stdout)).toEqual({ summary: ["network:function", "data:function", "compute:function"], sourceMaps: false });
  }, 60_000);
});

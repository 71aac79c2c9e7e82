import * as fs from "node:fs";
import * as path from "node:path";
import { describe, expect, it } from "vitest";
import { harness, image } from "../../test/memory-services";
import { IMAGE_CONFIG_KEY } from "../engine/engine";
import { ExitCode } from "../errors";

describe("devctl status, history, outputs", () => {
  it("status shows per layer the last update, and the image digest and URL", async () => {
    const h = harness();
    h.deploy("staging", "network");
    h.deploy("staging", "data");
    h.deploy("staging", "compute", { [IMAGE_CONFIG_KEY]: image("v7") });
    const { code, stdout } = await h.run(["status", "staging"]);
    expect(code).toBe(ExitCode.Success);
    expect(stdout).toMatch(/network\s+deployed\s+update #1 succeeded/);
    expect(stdout).toContain(`image ${image("v7")}`);
    expect(stdout).toContain("url   https://ledger.staging.example.com");

    const json = await h.run(["status", "prod", "--json"]);
    expect(JSON.parse(json.io.stdout.join("")).layers.map((l: { deployed: boolean }) => l.deployed)).toEqual([false, false, false]);
  });

  it("history lists every layer's updates newest first with the pinned digest", async () => {
    const h = harness();
    h.deploy("staging", "network");
    h.deploy("staging", "data");
    h.deploy("staging", "compute", { [IMAGE_CONFIG_KEY]: image("v1") });
    h.addHistory({ environment: "staging", layer: "compute" }, { config: { [IMAGE_CONFIG_KEY]: image("v2") }, result: "failed", message: "devctl promote" });
    const { io } = await h.run(["history", "staging", "--json"]);
    const { entries } = JSON.parse(io.stdout.join(""));
    expect(entries.map((e: { layer: string; version: number }) => `${e.layer}#${e.version}`)).toEqual(["compute#2", "compute#1", "data#1", "network#1"]);
    expect(entries[0]).toMatchObject({ result: "failed", image: image("v2") });
    const limited = await h.run(["history", "staging", "--layer", "compute", "--limit", "1", "--json"]);
    expect(JSON.parse(limited.io.stdout.join("")).entries).toHaveLength(1);
    expect((await h.run(["history", "staging", "--limit", "0"])).code).toBe(ExitCode.Usage);
  });

  it("outputs prints each layer's outputs", async () => {
    const h = harness();
    h.deploy("staging", "network");
    const { stdout } = await h.run(["outputs", "staging"]);
    expect(stdout).toMatch(/staging\/network\n {2}networkId\s+network-staging/);
    expect(stdout).toContain("(no outputs: never deployed)");
  });

  it("--layer takes a comma-separated list too (as plan's does), each layer once, in layer order", async () => {
    const h = harness();
    const { code, stdout } = await h.run(["outputs", "staging", "--layer", "compute,network", "--layer", "network", "--json"]);
    expect(code).toBe(ExitCode.Success);
    expect(Object.keys(JSON.parse(stdout).outputs)).toEqual(["network", "compute"]);
  });
});

describe("devctl destroy", () => {
  it("destroys in reverse order, saving each state first", async () => {
    const h = harness();
    for (const layer of ["network", "data", "compute"] as const) h.deploy("staging", layer);
    const { code } = await h.run(["destroy", "staging", "--yes"]);
    expect(code).toBe(ExitCode.Success);
    expect(h.engine.calls.filter((c) => c.startsWith("destroy "))).toEqual(["destroy staging/compute", "destroy staging/data", "destroy staging/network"]);
    expect(fs.readdirSync(path.join(h.stateDir, "backups", "staging"))).toHaveLength(3);
  });

  it("refuses production without --force-prod, even with --yes", async () => {
    const h = harness();
    for (const layer of ["network", "data", "compute"] as const) h.deploy("prod", layer);
    const { code, stderr } = await h.run(["destroy", "prod", "--yes"], { interactive: true, answers: ["prod"] });
    expect(code).toBe(ExitCode.Usage);
    expect(stderr).toContain("devctl refuses to destroy it");
    expect(h.engine.calls).toEqual([]);
  });

  it("with --force-prod still needs the typed name; no terminal means no", async () => {
    const h = harness();
    for (const layer of ["network", "data", "compute"] as const) h.deploy("prod", layer);
    const ci = await h.run(["destroy", "prod", "--force-prod", "--yes"]);
    expect(ci.code).toBe(ExitCode.Usage);
    expect(ci.stderr).toContain("--yes does not apply");
    const wrong = await h.run(["destroy", "prod", "--force-prod"], { interactive: true, answers: ["yes"] });
    expect(wrong.code).toBe(ExitCode.Usage);
    expect(h.engine.calls).toEqual([]);
    const typed = await h.run(["destroy", "prod", "--force-prod"], { interactive: true, answers: ["prod"] });
    expect(typed.code).toBe(ExitCode.Success);
    expect(h.engine.calls.filter((c) => c.startsWith("destroy "))).toHaveLength(3);
  });
});

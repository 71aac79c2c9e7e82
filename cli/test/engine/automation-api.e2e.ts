/**
 * Part of the engine suite: devctl's Automation API adapter on the real Pulumi CLI against tiny local fixture
 * projects (outputs and stack references only, no cloud provider, so no simulator) with a file backend in a
 * temporary folder. Skipped with the reason when no Pulumi CLI is found (see harness.ts).
 */
import * as fs from "node:fs";
import * as os from "node:os";
import * as path from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { AutomationEngine } from "../../src/engine/automation";
import { automationSettings } from "../../src/engine/automation-options";
import { ExitCode } from "../../src/errors";
import { main } from "../../src/main";
import type { ServicesFactory } from "../../src/services/services";
import { recordingIo } from "../recording-io";
import { findPulumiCli } from "./harness";

const { cli, reason } = findPulumiCli(process.env);
// The adapter drives the `pulumi` it finds on PATH, as a user's does.
if (cli) process.env.PATH = `${cli.binDir}${path.delimiter}${process.env.PATH ?? ""}`;
const pulumi = cli ? path.join(cli.binDir, "pulumi") : undefined;
if (!pulumi) console.warn(`SKIPPED automation-api.e2e: ${reason}`);

const image = (n: number): string => `registry.example/e2e@sha256:${String(n).repeat(64).slice(0, 64)}`;

describe.skipIf(!pulumi)(`Automation API end to end (${pulumi ? `pulumi at ${pulumi}` : `skipped: ${reason ?? ""}`})`, () => {
  let root: string;
  let factory: ServicesFactory;

  beforeAll(() => {
    root = fs.mkdtempSync(path.join(os.tmpdir(), "devctl-e2e-"));
    fs.cpSync(path.join(__dirname, "..", "fixtures", "automation"), path.join(root, "stacks"), { recursive: true });
    const settings = automationSettings({ PULUMI_CONFIG_PASSPHRASE: "e2e", DEVCTL_POLICY_PACKS: "none" }, root);
    // The fixture programs require @pulumi/pulumi from devctl's own dependencies.
    const engine = new AutomationEngine({ ...settings, envVars: { ...settings.envVars, NODE_PATH: path.join(__dirname, "..", "..", "node_modules") } });
    factory = () =>
      Promise.resolve({
        engine,
        deployments: { waitForDeployment: () => Promise.resolve({ state: "COMPLETED" as const }) },
        soak: { check: () => Promise.resolve({ ok: true, problems: [] }) },
        stateDir: path.join(root, ".devctl"),
        now: () => new Date(),
        commitSha: () => Promise.resolve(undefined),
      });
  });

  afterAll(() => {
    if (root) fs.rmSync(root, { recursive: true, force: true });
  });

  const run = async (argv: string[]) => {
    const io = recordingIo();
    const code = await main(argv, io, factory);
    return { code, stdout: io.stdout.join(""), stderr: io.stderr.join("\n") };
  };

  it("previewing a never-deployed layer leaves no stack and no config file behind", async () => {
    const { code, stdout } = await run(["preview", "staging", "--layer", "network"]);
    expect(code).toBe(ExitCode.Success);
    expect(stdout).toMatch(/network/);
    expect(fs.existsSync(path.join(root, "stacks", "network", "Pulumi.staging.yaml"))).toBe(false);
    expect(JSON.parse((await run(["history", "staging", "--layer", "network", "--json"])).stdout).entries).toEqual([]);
  }, 120_000);

  it("names the upstream to deploy when previewing data before network exists", async () => {
    const { code, stdout } = await run(["preview", "staging", "--layer", "data"]);
    expect(code).toBe(ExitCode.Success);
    expect(stdout).toMatch(/data\s+SKIPPED/);
  }, 120_000);

  it("up deploys the three layers in order and saves state exports", async () => {
    const { code, stdout, stderr } = await run(["up", "staging", "--image", image(1)]);
    expect(code, stderr).toBe(ExitCode.Success);
    expect(stdout).toMatch(/applied\s+network[\s\S]*applied\s+data[\s\S]*applied\s+compute/);
    expect(fs.readdirSync(path.join(root, ".devctl", "backups", "staging"))).toHaveLength(3);
    const outputs = await run(["outputs", "staging", "--json"]);
    expect(JSON.parse(outputs.stdout).outputs.compute).toMatchObject({ imageRef: image(1), dbEndpoint: "db.vpc-e2e.internal" });
  }, 300_000);

  it("a fresh checkout (no stack config files) keeps each stack's passphrase salt from its state", async () => {
    const file = (layer: string): string => path.join(root, "stacks", layer, "Pulumi.staging.yaml");
    const salt = (layer: string): string | undefined => /^encryptionsalt: (.+)$/m.exec(fs.readFileSync(file(layer), "utf8"))?.[1];
    const before = salt("compute");
    expect(before).toBeDefined();
    for (const layer of ["network", "data", "compute"]) fs.rmSync(file(layer));
    const preview = await run(["preview", "staging"]);
    expect(preview.code, preview.stderr).toBe(ExitCode.Success);
    const up = await run(["up", "staging", "--layer", "compute", "--image", image(1)]);
    expect(up.code, up.stderr).toBe(ExitCode.Success);
    expect(salt("compute")).toBe(before);
  }, 300_000);

  it("preview and drift find nothing to change after up", async () => {
    const preview = await run(["preview", "staging", "--expect-no-changes"]);
    expect(preview.code, `${preview.stdout}\n${preview.stderr}`).toBe(ExitCode.Success);
    expect((await run(["drift", "staging"])).code).toBe(ExitCode.Success);
  }, 300_000);

  it("rollback goes back to the previous pinned image found in the history", async () => {
    expect((await run(["up", "staging", "--layer", "compute", "--image", image(2)])).code).toBe(ExitCode.Success);
    const rolled = await run(["rollback", "staging"]);
    expect(rolled.code, rolled.stderr).toBe(ExitCode.Success);
    const outputs = JSON.parse((await run(["outputs", "staging", "--layer", "compute", "--json"])).stdout);
    expect(outputs.outputs.compute.imageRef).toBe(image(1));
    const history = JSON.parse((await run(["history", "staging", "--layer", "compute", "--json"])).stdout);
    expect(history.entries[0].message).toContain("devctl rollback staging");
    // The file backend leaves every version 0: devctl numbers its updates newest = count … oldest = 1.
    const versions = history.entries.map((e: { version: number }) => e.version);
    expect(versions).toEqual(Array.from({ length: versions.length }, (_, i) => versions.length - i));
    const again = await run(["rollback", "staging", "--to", String(versions.at(-1))]);
    expect(again.code, again.stderr).toBe(ExitCode.Success);
    expect(again.stdout).toContain(`back to release ${versions.at(-1)} (${image(1)})`);
  }, 300_000);

  it("destroy removes every layer in reverse order", async () => {
    const { code, stdout } = await run(["destroy", "staging", "--yes"]);
    expect(code).toBe(ExitCode.Success);
    expect(stdout).toContain("destroyed staging");
  }, 300_000);
});

/**
 * devctl end to end through the REAL Pulumi engine (CLI + Node.js language host), real stack references
 * between the three layer projects on a file backend, the real policy pack, real locking, against the
 * local-cloud SIMULATOR (infra/src/testing/local-cloud) as the aws/random/docker providers and moto as the
 * AWS API devctl itself calls. What it proves: devctl's ordering, config pinning, history parsing and error
 * mapping on the engine users run, and our programs' wiring. What it does not: that AWS accepts the inputs.
 *
 * `pnpm test:engine`. Skipped, with the reason printed, when no Pulumi CLI is found (PULUMI_CLI_DIR or PATH).
 * The scenarios run in order and share one backend, like a team's day.
 */
import * as fs from "node:fs";
import * as os from "node:os";
import * as path from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { LAYER_OUTPUT_NAMES, LAYERS, type Layer } from "@platform/infra/layers";
import { startFakeService } from "../fake-service";
import { copyRepository, ensureMoto, findPulumiCli, REPO, runDevctl, runProcess, SIMULATOR_BIN, startMoto, type Moto, type RunResult } from "./harness";

const found = findPulumiCli(process.env);
if (!found.cli) console.warn(`SKIPPED engine suite: ${found.reason ?? ""}`);

const DIGEST = /^[^@\s]+@sha256:[0-9a-f]{64}$/;

interface StateFile {
  checkpoint: { latest?: { resources?: { type: string; urn: string; inputs?: Record<string, unknown>; outputs?: Record<string, unknown> }[] } };
}

describe.skipIf(!found.cli)(`devctl on the real Pulumi engine (${found.cli?.version ?? found.reason ?? ""}) and the local-cloud simulator`, () => {
  const started = Date.now();
  let root: string;
  let repo: string;
  let moto: Moto | undefined;
  let env: NodeJS.ProcessEnv;
  /** Images in staging's ECR repository that no build produced: what `up --image` pins in prod. */
  let imageX = "";
  let imageY = "";
  let policyPreview: RunResult | undefined;

  const devctl = (...args: string[]): Promise<RunResult> => runDevctl(repo, args, env);
  /**
   * Without the policy pack: the pack type-checks itself in every layer's preview and update (tens of seconds
   * on 2 cores), and the scenarios that prove it (up, preview, promote, the violation, the PR's own preview)
   * keep it on.
   */
  const devctlNoPolicy = (...args: string[]): Promise<RunResult> => runDevctl(repo, args, { ...env, DEVCTL_POLICY_PACKS: "none" });
  let driftAfterChange: RunResult | undefined;
  const json = async (...args: string[]): Promise<Record<string, unknown>> => {
    const result = await devctl(...args, "--json");
    expect(result.code, result.stderr).toBe(0);
    return JSON.parse(result.stdout) as Record<string, unknown>;
  };
  const outputs = async (environment: string): Promise<Record<Layer, Record<string, unknown>>> =>
    (await json("outputs", environment)).outputs as Record<Layer, Record<string, unknown>>;
  const stateFile = (layer: Layer, environment: string): StateFile =>
    JSON.parse(fs.readFileSync(path.join(root, "backend", ".pulumi", "stacks", `platform-${layer}`, `${environment}.json`), "utf8")) as StateFile;
  const stateOutputs = (layer: Layer, environment: string): Record<string, unknown> =>
    stateFile(layer, environment).checkpoint.latest?.resources?.find((r) => r.type === "pulumi:pulumi:Stack")?.outputs ?? {};
  interface HistoryEntry {
    layer: Layer;
    kind: string;
    startedAt: string;
    finishedAt: string;
    message: string;
    image?: string;
  }
  /** Newest first, every layer's updates interleaved by start time. */
  const history = async (...args: string[]): Promise<HistoryEntry[]> => (await json("history", ...args)).entries as HistoryEntry[];
  const latest = (entries: HistoryEntry[], layer: Layer): HistoryEntry => entries.find((e) => e.layer === layer)!;
  const controlFile = (dir: string, name: string, content: unknown): void => fs.writeFileSync(path.join(dir, name), JSON.stringify(content));

  beforeAll(async () => {
    const cli = found.cli!;
    // devctl, infra (the simulator) and the policy pack run compiled: build what changed since pnpm install.
    const build = await runProcess(path.join(REPO, "node_modules", ".bin", "tsc"), ["-b", "cli/tsconfig.build.json"], {
      cwd: REPO,
      env: process.env,
      timeoutMs: 300_000,
    });
    if (build.code !== 0) throw new Error(`tsc -b cli/tsconfig.build.json failed:\n${build.stdout}${build.stderr}`);
    const python = ensureMoto();
    if (!python.python) throw new Error(python.reason);

    root = fs.mkdtempSync(path.join(os.tmpdir(), "devctl-engine-"));
    repo = path.join(root, "repo");
    copyRepository(repo);
    for (const dir of ["backend", "cloud", "pulumi-home"]) fs.mkdirSync(path.join(root, dir));
    moto = await startMoto(python.python, path.join(root, "moto"));

    const inherited = Object.fromEntries(Object.entries(process.env).filter(([key]) => !/^(PULUMI_|AWS_|DEVCTL_|GITHUB_)/.test(key)));
    env = {
      ...inherited,
      PATH: [SIMULATOR_BIN, cli.binDir, process.env.PATH].join(path.delimiter),
      PULUMI_BACKEND_URL: `file://${path.join(root, "backend")}`,
      PULUMI_HOME: path.join(root, "pulumi-home"),
      PULUMI_CONFIG_PASSPHRASE: "engine-suite",
      PULUMI_SKIP_UPDATE_CHECK: "true",
      PULUMI_DISABLE_AUTOMATIC_PLUGIN_ACQUISITION: "true",
      // The programs' types are checked by tsc and the repo test that loads every project as the CLI does.
      PULUMI_NODEJS_TRANSPILE_ONLY: "true",
      LOCAL_CLOUD_DIR: path.join(root, "cloud"),
      DEVCTL_AWS_ENDPOINT_URL: moto.endpoint,
      AWS_ACCESS_KEY_ID: "engine-suite",
      AWS_SECRET_ACCESS_KEY: "engine-suite",
      AWS_REGION: "eu-west-1",
      // Every build gets an image tag of its own (a rebuild never meets an immutable tag already in ECR), so a
      // staging preview from source shows the image under a new tag unless the build id is the same. One id for
      // the whole suite: "preview right after up" then checks that nothing else changes.
      DEVCTL_BUILD_ID: "engine-suite",
    };
    console.warn(`engine suite: ${cli.version} from ${cli.binDir}; repository copy ${repo}; moto at ${moto.endpoint}`);
  }, 900_000);

  afterAll(() => {
    moto?.stop();
    console.warn(`engine suite: ${Math.round((Date.now() - started) / 1000)} s`);
    if (root && !process.env.DEVCTL_ENGINE_KEEP) fs.rmSync(root, { recursive: true, force: true });
  });

  it("on a fresh backend, previewing data names the layer to deploy first", async () => {
    const preview = await devctl("preview", "staging", "--layer", "data");
    expect(preview.code, preview.stderr).toBe(0);
    expect(preview.stdout).toMatch(/data\s+SKIPPED/);
    expect(preview.stdout).toContain("devctl up staging --layer network");
  }, 300_000);

  it("up staging deploys network, data, compute in order through real stack references; outputs match the contracts", async () => {
    const up = await devctl("up", "staging", "--yes");
    expect(up.code, up.stderr).toBe(0);
    expect(up.stdout).toMatch(/applied\s+network[\s\S]*applied\s+data[\s\S]*applied\s+compute/);
    const all = await outputs("staging");
    for (const layer of LAYERS) {
      expect(Object.keys(all[layer]).sort(), layer).toEqual([...LAYER_OUTPUT_NAMES[layer]].sort());
      expect(all[layer]).toEqual(JSON.parse(JSON.stringify(stateOutputs(layer, "staging"))));
    }
    // Downstream layers read upstream outputs through real StackReferences.
    expect(all.compute.imageRef).toMatch(DIGEST);
    expect(String(all.compute.imageRef)).toContain(String(all.compute.ecrRepositoryUrl));
    const entries = await history("staging", "--limit", "1");
    const [network, data, compute] = LAYERS.map((layer) => latest(entries, layer));
    expect(Date.parse(network!.finishedAt)).toBeLessThanOrEqual(Date.parse(data!.startedAt));
    expect(Date.parse(data!.finishedAt)).toBeLessThanOrEqual(Date.parse(compute!.startedAt));
  }, 600_000);

  it("pulumi preview --stack staging in stacks/network (what a pull request runs) succeeds with the policy pack and changes nothing", async () => {
    const preview = await runProcess(
      path.join(found.cli!.binDir, "pulumi"),
      ["preview", "--stack", "staging", "--policy-pack", "../../policy", "--non-interactive", "--expect-no-changes"],
      {
        cwd: path.join(repo, "stacks", "network"),
        env,
        timeoutMs: 300_000,
      },
    );
    expect(preview.code, preview.stdout + preview.stderr).toBe(0);
    expect(preview.stdout).toMatch(/platform@v[\d.]+ \(local: \.\.\/\.\.\/policy\)/);
  }, 300_000);

  it("preview staging right after up changes nothing and writes the pull-request comment", async () => {
    const comment = path.join(root, "comment.md");
    const preview = await devctl("preview", "staging", "--expect-no-changes", "--comment-file", comment);
    expect(preview.code, preview.stderr).toBe(0);
    expect(fs.readFileSync(comment, "utf8")).toContain("staging");
  }, 300_000);

  it("a changed environment file shows in the layer that reads it, with its risk flags", async () => {
    const file = path.join(repo, "Pulumi.staging.yaml");
    const original = fs.readFileSync(file, "utf8");
    // PostgreSQL 17 needs a new parameter group family: AWS replaces the group (a database resource).
    fs.writeFileSync(file, original.replace('platform:dbEngineVersion: "16"', 'platform:dbEngineVersion: "17"'));
    try {
      const result = await devctl("preview", "staging", "--json");
      expect(result.code, result.stderr).toBe(0);
      const report = JSON.parse(result.stdout) as {
        environments: { layers: { layer: Layer; counts: Record<string, number>; risks: { kind: string; type: string }[] }[] }[];
      };
      const layers = Object.fromEntries(report.environments[0]!.layers.map((l) => [l.layer, l]));
      expect(layers.network?.counts).toMatchObject({ create: 0, update: 0, replace: 0, delete: 0 });
      expect(layers.data?.counts.replace).toBeGreaterThan(0);
      expect(layers.compute?.counts).toMatchObject({ create: 0, update: 0, replace: 0, delete: 0 });
      expect(layers.data?.risks).toEqual(
        expect.arrayContaining([expect.objectContaining({ kind: "stateful-replace", type: "aws:rds/parameterGroup:ParameterGroup" })]),
      );
    } finally {
      fs.writeFileSync(file, original);
    }
  }, 300_000);

  it("prod: up --image, then promote --from staging runs staging's exact image; promote --preview then changes nothing", async () => {
    const { imageRef: staging, ecrRepositoryUrl } = (await outputs("staging")).compute;
    imageX = `${String(ecrRepositoryUrl)}@sha256:${"a1".repeat(32)}`;
    imageY = `${String(ecrRepositoryUrl)}@sha256:${"b2".repeat(32)}`;
    const up = await devctl("up", "prod", "--image", imageX, "--yes");
    expect(up.code, up.stderr).toBe(0);
    expect((await outputs("prod")).compute.imageRef).toBe(imageX);

    const promote = await devctl("promote", "prod", "--from", "staging", "--yes");
    expect(promote.code, promote.stderr).toBe(0);
    expect((await outputs("prod")).compute.imageRef).toBe(staging);
    expect(stateOutputs("compute", "prod").imageRef).toBe(staging);
    const [promoted] = await history("prod", "--layer", "compute", "--limit", "1");
    expect(promoted?.message).toContain("devctl promote prod --from staging");
    expect(promoted?.image).toBe(staging);

    const again = await devctlNoPolicy("promote", "prod", "--from", "staging", "--preview");
    expect(again.code, again.stderr).toBe(0);
    expect(again.stdout).toMatch(/no changes/i);
  }, 900_000);

  it("rollback prod goes back to the previous image; status, history and outputs agree with the state files", async () => {
    const rolled = await devctlNoPolicy("rollback", "prod", "--yes");
    expect(rolled.code, rolled.stderr).toBe(0);
    expect(stateOutputs("compute", "prod").imageRef).toBe(imageX);
    expect((await outputs("prod")).compute.imageRef).toBe(imageX);
    const text = await devctl("outputs", "prod", "--layer", "compute");
    expect(text.stdout).toContain(imageX);
    const [rollback] = await history("prod", "--layer", "compute", "--limit", "1");
    expect(rollback?.message).toContain("devctl rollback prod");
    expect(rollback?.image).toBe(imageX);
    const status = await json("status", "prod");
    expect(JSON.stringify(status)).toContain(imageX);
  }, 600_000);

  it("an ECS rollback reported by the AWS API makes up fail and pins the last good image again", async () => {
    const { serviceName } = (await outputs("prod")).compute;
    controlFile(moto!.controlDir, "ecs-rollouts.json", {
      [String(serviceName)]: { rolloutState: "FAILED", rolloutStateReason: "ECS deployment circuit breaker: rolling back to the previous deployment" },
    });
    try {
      const up = await devctlNoPolicy("up", "prod", "--image", imageY, "--yes");
      expect(up.code).toBe(1);
      expect(up.stderr).toMatch(/roll(ed|ing) back/i);
    } finally {
      fs.rmSync(path.join(moto!.controlDir, "ecs-rollouts.json"));
    }
    expect(stateOutputs("compute", "prod").imageRef).toBe(imageX);
    expect((await outputs("prod")).compute.imageRef).toBe(imageX);
  }, 600_000);

  it("drift staging exits 0 when nothing changed; the simulator's drift reaches the real engine's refresh", async () => {
    expect((await devctl("drift", "staging")).code).toBe(0);
    const vpc = stateFile("network", "staging").checkpoint.latest?.resources?.find((r) => r.type === "aws:ec2/vpc:Vpc");
    controlFile(path.join(root, "cloud"), "drift.json", { [vpc!.urn]: { tags: { Name: "renamed by hand" } } });
    try {
      driftAfterChange = await devctl("drift", "staging", "--layer", "network");
      const refresh = await runProcess(path.join(found.cli!.binDir, "pulumi"), ["refresh", "--preview-only", "--stack", "staging", "--non-interactive"], {
        cwd: path.join(repo, "stacks", "network"),
        env,
        timeoutMs: 300_000,
      });
      expect(refresh.code, refresh.stderr).toBe(0);
      expect(refresh.stdout).toMatch(/~ +aws:ec2:Vpc staging +update/);
      expect(refresh.stdout).toMatch(/~ 1 to update/);
    } finally {
      fs.rmSync(path.join(root, "cloud", "drift.json"));
    }
  }, 600_000);

  // The real engine reports a refresh's outcome in resource-outputs events (not the pre-events): devctl reads those.
  it("drift staging exits 3 and names the drifted resource", () => {
    expect(driftAfterChange?.code, driftAfterChange?.stderr).toBe(3);
    expect(driftAfterChange?.stdout).toMatch(/aws:ec2\/vpc:Vpc|staging/);
  });

  it("the policy pack runs inside real previews and a violating change fails them", async () => {
    const file = path.join(repo, "stacks", "network", "index.ts");
    const original = fs.readFileSync(file, "utf8");
    // A change someone might propose: SSH open to the internet. The pack's mandatory network rule stops it.
    const violating = `import * as aws from "@pulumi/aws";\nnew aws.ec2.SecurityGroup("engine-suite-open-ssh", { ingress: [{ protocol: "tcp", fromPort: 22, toPort: 22, cidrBlocks: ["0.0.0.0/0"] }] });\n`;
    fs.writeFileSync(file, violating + original);
    try {
      policyPreview = await devctl("preview", "staging", "--layer", "network");
    } finally {
      fs.writeFileSync(file, original);
    }
    expect(policyPreview.code, policyPreview.stderr).toBe(1);
    expect(policyPreview.stdout).toMatch(/network\s+FAILED/);
  }, 300_000);

  it("a policy violation names the rule and the resource", () => {
    const text = `${policyPreview?.stdout ?? ""}${policyPreview?.stderr ?? ""}`;
    expect(text).toContain("security-group-ingress");
    expect(text).toMatch(/engine-suite-open-ssh/);
  });

  it("two previews of different layers run at once; a second update of a locked stack gets STACK_LOCKED", async () => {
    const [network, data] = await Promise.all([
      devctlNoPolicy("preview", "staging", "--layer", "network"),
      devctlNoPolicy("preview", "staging", "--layer", "data"),
    ]);
    expect(network.code, network.stderr).toBe(0);
    expect(data.code, data.stderr).toBe(0);

    const locks = path.join(root, "backend", ".pulumi", "locks");
    const first = devctlNoPolicy("up", "staging", "--layer", "network", "--yes");
    const deadline = Date.now() + 120_000;
    while (!hasFile(locks) && Date.now() < deadline) await new Promise((r) => setTimeout(r, 100));
    const second = await devctlNoPolicy("up", "staging", "--layer", "network", "--yes");
    expect((await first).code).toBe(0);
    expect(second.code).toBe(1);
    expect(second.stderr).toContain("another update holds the lock of stack network/staging");
  }, 600_000);

  it("destroy staging empties every stack, compute first and network last", async () => {
    const destroy = await devctl("destroy", "staging", "--yes");
    expect(destroy.code, destroy.stderr).toBe(0);
    for (const layer of LAYERS) {
      expect(stateFile(layer, "staging").checkpoint.latest?.resources ?? [], layer).toEqual([]);
    }
    const entries = await history("staging", "--limit", "1");
    const [network, data, compute] = LAYERS.map((layer) => latest(entries, layer));
    expect([network, data, compute].map((e) => e?.kind)).toEqual(["destroy", "destroy", "destroy"]);
    expect(Date.parse(compute!.finishedAt)).toBeLessThanOrEqual(Date.parse(data!.startedAt));
    expect(Date.parse(data!.finishedAt)).toBeLessThanOrEqual(Date.parse(network!.startedAt));
    expect(fs.readdirSync(path.join(root, "cloud", "resources")).length).toBeGreaterThan(0); // prod is still there
  }, 900_000);

  // Disaster recovery (issue 17) on the prod the scenarios above left running (it runs imageX since the rollback).
  const DR_REGION = "eu-central-1";
  const BACKUPS_ARN = `arn:aws:rds:${DR_REGION}:123456789012:auto-backup:ab-enginesuite0drill1`;
  /** The window RDS reports for prod's backups replicated to the DR region (moto answers from this file). */
  const seedReplicatedBackups = (window: { earliest: Date; latest: Date }): void =>
    controlFile(moto!.controlDir, "automated-backups.json", {
      [DR_REGION]: [
        {
          DBInstanceIdentifier: String(stateOutputs("data", "prod").dbInstanceIdentifier),
          DBInstanceAutomatedBackupsArn: BACKUPS_ARN,
          Region: "eu-west-1",
          Status: "replicating",
          RestoreWindow: { EarliestTime: window.earliest.toISOString(), LatestTime: window.latest.toISOString() },
        },
      ],
    });
  const recoveryStacks = (): string[] =>
    LAYERS.filter((layer) => fs.existsSync(path.join(root, "backend", ".pulumi", "stacks", `platform-${layer}`, "prod-dr.json")));
  /** Every checkpoint a layer of prod-dr went through (the file backend keeps one per update), oldest first. */
  const recoveryCheckpoints = (layer: Layer): StateFile[] => {
    const dir = path.join(root, "backend", ".pulumi", "history", `platform-${layer}`, "prod-dr");
    return fs
      .readdirSync(dir)
      .filter((f) => f.endsWith(".checkpoint.json"))
      .sort()
      .map((f) => JSON.parse(fs.readFileSync(path.join(dir, f), "utf8")) as StateFile);
  };

  it("dr restore prod refuses, changing nothing, before the backups are replicated and for a time outside the restorable window", async () => {
    const identifier = String(stateOutputs("data", "prod").dbInstanceIdentifier);
    const none = await devctlNoPolicy("dr", "restore", "prod", "--latest", "--yes");
    expect(none.code, none.stderr).toBe(1);
    expect(none.stderr).toContain(`no automated backups of ${identifier} are replicated to ${DR_REGION} yet`);

    const latest = new Date(Date.now() - 60_000);
    seedReplicatedBackups({ earliest: new Date(latest.getTime() - 3_600_000), latest });
    const early = new Date(latest.getTime() - 2 * 3_600_000).toISOString().replace(/\.\d{3}Z$/, "Z");
    const outside = await devctlNoPolicy("dr", "restore", "prod", "--time", early, "--yes");
    expect(outside.code, outside.stderr).toBe(2);
    expect(outside.stderr).toContain(`--time ${early.replace("Z", ".000Z")} is outside the restorable window`);
    expect(recoveryStacks()).toEqual([]);
  }, 300_000);

  it("dr drill prod: restore in the DR region from the replicated backups on prod's digest, smoke, RPO/RTO report, destroy, ledger record", async () => {
    // The region is lost while ECS rolls back imageY (the scenario above): the newest restorable data is from
    // the second after that release started. ECS kept imageX's tasks serving, so the restore must run imageX.
    const [reconcile, failed] = await history("prod", "--layer", "compute", "--limit", "2");
    expect(reconcile?.message).toContain(`devctl reconcile: ECS rolled back ${imageY}`);
    expect(failed?.image).toBe(imageY);
    const latest = new Date(Date.parse(failed!.startedAt) + 1000);
    expect(latest.getTime()).toBeLessThan(Date.parse(reconcile!.startedAt));
    seedReplicatedBackups({ earliest: new Date(latest.getTime() - 86_400_000), latest });
    const service = await startFakeService({ "/v1/drills": () => ({ status: 201, body: { id: "drill-1" } }) });
    let drill: RunResult;
    try {
      drill = await runDevctl(repo, ["dr", "drill", "prod", "--yes"], {
        ...env,
        DEVCTL_SMOKE_URL: service.url,
        DEVCTL_LEDGER_URL: service.url,
        DEVCTL_LEDGER_TOKEN: "engine-suite",
      });
    } finally {
      await service.close();
    }
    expect(drill.code, drill.stderr).toBe(0);
    const drImage = imageX.replace(".dkr.ecr.eu-west-1.", `.dkr.ecr.${DR_REGION}.`);

    // The report: each step with its duration, the restore point, the objectives, the teardown and the record.
    expect(drill.stdout).toContain("restore drill of prod in prod-dr: PASSED");
    for (const step of ["network", "data (database restored, Redis empty)", "compute", "smoke"]) {
      expect(drill.stdout).toMatch(new RegExp(`^  ${step.replace(/[()]/g, "\\$&")} +(\\d+m)?\\d+s$`, "m"));
    }
    expect(drill.stdout).toContain(`restore point ${latest.toISOString()} (latest restorable ${latest.toISOString()}), image ${drImage}`);
    const objectives = /RPO ([\d.]+) min \(objective 15\), RTO ([\d.]+) min \(objective 60\): met/.exec(drill.stdout);
    expect(objectives, drill.stdout).not.toBeNull();
    expect(Number(objectives![1])).toBeGreaterThanOrEqual((Date.parse(reconcile!.finishedAt) - latest.getTime()) / 60_000 - 0.1);
    expect(drill.stdout).toContain("smoke: passed");
    expect(drill.stdout).toContain("destroyed: compute, data, network; recorded in the ledger: yes");

    // What the engine deployed: the database restored from the replicated backups, in the DR region, and
    // compute on the digest prod ran at the restore point.
    const restored = recoveryCheckpoints("data")
      .flatMap((c) => c.checkpoint.latest?.resources ?? [])
      .find((r) => r.type === "aws:rds/instance:Instance");
    expect(restored?.inputs?.restoreToPointInTime).toEqual({ sourceDbInstanceAutomatedBackupsArn: BACKUPS_ARN, useLatestRestorableTime: true });
    expect(String(restored?.outputs?.arn)).toContain(`:rds:${DR_REGION}:`);
    const computeOutputs = recoveryCheckpoints("compute")
      .flatMap((c) => c.checkpoint.latest?.resources ?? [])
      .find((r) => r.type === "pulumi:pulumi:Stack" && r.outputs?.imageRef !== undefined)?.outputs;
    expect(computeOutputs?.imageRef).toBe(drImage);

    // Torn down: every prod-dr stack is empty; prod itself untouched.
    for (const layer of LAYERS) expect(stateFile(layer, "prod-dr").checkpoint.latest?.resources ?? [], layer).toEqual([]);
    expect(stateOutputs("compute", "prod").imageRef).toBe(imageX);

    // The ledger got the drill: what was restored, from when, how long it took.
    const posted = service.requests.find((r) => r.method === "POST" && r.path === "/v1/drills");
    expect(posted?.authorization).toBe("Bearer engine-suite");
    expect(JSON.parse(posted?.body ?? "{}")).toMatchObject({
      environment: "prod",
      recoveryEnvironment: "prod-dr",
      region: DR_REGION,
      outcome: "passed",
      restorePoint: latest.toISOString(),
      imageDigest: `sha256:${"a1".repeat(32)}`,
      rpoSeconds: Math.round(Number(objectives![1]) * 60),
      rtoSeconds: Math.round(Number(objectives![2]) * 60),
    });
    expect(service.requests.map((r) => r.path)).toEqual(expect.arrayContaining(["/healthz", "/readyz", "/docs/json"]));
  }, 900_000);
});

function hasFile(dir: string): boolean {
  if (!fs.existsSync(dir)) return false;
  return fs.readdirSync(dir, { withFileTypes: true }).some((entry) => (entry.isDirectory() ? hasFile(path.join(dir, entry.name)) : true));
}

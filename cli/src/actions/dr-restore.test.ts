import * as http from "node:http";
import type { AddressInfo } from "node:net";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { digest, harness, image, REPOSITORY, type Harness } from "../../test/memory-services";
import { IMAGE_CONFIG_KEY } from "../engine/engine";
import { ExitCode } from "../errors";
import { main } from "../main";
import type { BackupCatalog, ReplicatedBackups, ServicesFactory } from "../services/services";
import type { SmokeReport } from "../smoke/checks";
import { recordingIo } from "../../test/recording-io";
import { RESTORE_FROM_KEY, RESTORE_TIME_KEY, type DrRestoreResult } from "./dr-restore";

const ARN = "arn:aws:rds:eu-central-1:123456789012:auto-backup:ab-4fjbsqxkrubgdiosa5b7c6ocuq";
const WINDOW: ReplicatedBackups = { arn: ARN, earliestTime: new Date("2026-10-01T00:00:00Z"), latestTime: new Date("2026-11-25T11:55:00Z") };
const inDr = (ref: string) => ref.replace(".eu-west-1.", ".eu-central-1.");

interface Setup {
  readonly h: Harness;
  readonly lookups: Parameters<BackupCatalog["replicatedBackups"]>[0][];
  readonly smoked: string[];
  run(argv: string[], env?: Record<string, string>): Promise<{ code: number; stdout: string; stderr: string }>;
}

/** prod deployed with two promoted releases (01:00 v1, 02:00 v2 on 2026-10-01); backups replicated to eu-central-1. */
function setup(options: { backups?: ReplicatedBackups | undefined; smoke?: SmokeReport } = {}): Setup {
  const h = harness();
  h.engine.seed({ environment: "prod", layer: "network" }, { outputs: { vpcId: "vpc-1" } });
  h.engine.seed({ environment: "prod", layer: "data" }, { outputs: { dbInstanceIdentifier: "ledger-prod" } });
  h.addHistory({ environment: "prod", layer: "compute" }, { config: { [IMAGE_CONFIG_KEY]: image("v1") } });
  h.addHistory({ environment: "prod", layer: "compute" }, { config: { [IMAGE_CONFIG_KEY]: image("v2") } });
  h.engine.stack({ environment: "prod", layer: "compute" }).resources = 5;
  const lookups: Setup["lookups"] = [];
  const smoked: string[] = [];
  const backups = "backups" in options ? options.backups : WINDOW;
  const factory: ServicesFactory = async (environment, io, serviceOptions) => ({
    ...(await h.factory(environment, io, serviceOptions)),
    backups: {
      replicatedBackups: (request) => {
        lookups.push(request);
        return Promise.resolve(backups);
      },
    },
    smokeTest: (url) => {
      smoked.push(url);
      return Promise.resolve(options.smoke ?? { url, ok: true, checks: [] });
    },
  });
  return {
    h,
    lookups,
    smoked,
    async run(argv, env = {}) {
      const io = recordingIo({ env });
      const code = await main(argv, io, factory);
      return { code, stdout: io.stdout.join(""), stderr: io.stderr.join("\n") };
    },
  };
}

const config = (s: Setup, layer: "data" | "compute") => s.h.engine.stack({ environment: "prod-dr", layer }).config;

describe("devctl dr restore", () => {
  it("--latest: builds prod-dr in the DR region from the replicated backups, on the digest prod runs, and reports RPO/RTO", async () => {
    const s = setup();
    const { code, stdout, stderr } = await s.run(["dr", "restore", "prod", "--latest", "--yes", "--json"]);
    expect(stderr).not.toContain("error:");
    expect(code).toBe(ExitCode.Success);
    expect(s.lookups).toEqual([{ region: "eu-central-1", sourceRegion: "eu-west-1", identifier: "ledger-prod" }]);
    expect(s.h.engine.calls.filter((c) => c.startsWith("up"))).toEqual(["up prod-dr/network", "up prod-dr/data", "up prod-dr/compute"]);
    expect(config(s, "data")).toEqual({ [RESTORE_FROM_KEY]: ARN });
    expect(config(s, "compute")[IMAGE_CONFIG_KEY]).toBe(inDr(image("v2")));
    expect(s.smoked).toEqual(["https://ledger.prod-dr.example.com"]);
    const result = JSON.parse(stdout) as DrRestoreResult;
    expect(result).toMatchObject({
      recoveryEnvironment: "prod-dr",
      region: "eu-central-1",
      source: ARN,
      restorePoint: "2026-11-25T11:55:00.000Z",
      image: inDr(image("v2")),
      rpoMinutes: 5,
      objectivesMet: true,
    });
    expect(result.steps.map((step) => step.step)).toEqual(["network", "data (database restored, Redis empty)", "compute", "smoke"]);
    expect(stderr).toContain("step 2: data (database restored, Redis empty) done in");
  });

  it("--time: restores to that time and runs the image prod ran then", async () => {
    const s = setup();
    // What an earlier drill left in the stacks' config: a real restore's copy keeps its logs and protection.
    await s.h.engine.setConfig({ environment: "prod-dr", layer: "data" }, "platform-data:disposable", "true");
    await s.h.engine.setConfig({ environment: "prod-dr", layer: "compute" }, "platform-compute:disposable", "true");
    const { code } = await s.run(["dr", "restore", "prod", "--time", "2026-10-01T01:30:00Z", "--yes"]);
    expect(code).toBe(ExitCode.Success);
    expect(config(s, "data")).toEqual({ [RESTORE_FROM_KEY]: ARN, [RESTORE_TIME_KEY]: "2026-10-01T01:30:00.000Z" });
    expect(config(s, "compute")).toEqual({ [IMAGE_CONFIG_KEY]: inDr(image("v1")) });
  });

  it("fails before changing anything when no backups are replicated yet", async () => {
    const s = setup({ backups: undefined });
    const { code, stderr } = await s.run(["dr", "restore", "prod", "--latest", "--yes"]);
    expect(code).toBe(ExitCode.Failure);
    expect(stderr).toContain("no automated backups of ledger-prod are replicated to eu-central-1 yet");
    expect(s.h.engine.calls.filter((c) => c.startsWith("up"))).toEqual([]);
  });

  it("refuses a time outside the restorable window, naming the window", async () => {
    const s = setup();
    const { code, stderr } = await s.run(["dr", "restore", "prod", "--time", "2026-11-25T11:58:00Z", "--yes"]);
    expect(code).toBe(ExitCode.Usage);
    expect(stderr).toContain("--time 2026-11-25T11:58:00.000Z is outside the restorable window 2026-10-01T00:00:00.000Z – 2026-11-25T11:55:00.000Z");
    expect(s.h.engine.calls.filter((c) => c.startsWith("up"))).toEqual([]);
  });

  it("refuses a DR region equal to the primary, and one where the backups are not", async () => {
    const s = setup();
    const same = await s.run(["dr", "restore", "prod", "--latest", "--region", "eu-west-1", "--yes"]);
    expect(same.code).toBe(ExitCode.Usage);
    expect(same.stderr).toContain("--region eu-west-1 is prod's own region; a recovery environment must be in another region");
    const other = await s.run(["dr", "restore", "prod", "--latest", "--region", "us-east-2", "--yes"]);
    expect(other.stderr).toContain("is not prod's DR region (eu-central-1)");
    expect(s.lookups).toEqual([]);
  });

  it("refuses when the recovery environment already exists", async () => {
    const s = setup();
    s.h.engine.seed({ environment: "prod-dr", layer: "network" }, { outputs: {} });
    const { code, stderr } = await s.run(["dr", "restore", "prod", "--latest", "--yes"]);
    expect(code).toBe(ExitCode.Failure);
    expect(stderr).toContain("recovery environment prod-dr already exists (deployed layers: network)");
    // prod-dr is production: destroy refuses it without --force-prod.
    expect(stderr).toContain("remove it with devctl destroy prod-dr --force-prod");
    expect(s.h.engine.calls.filter((c) => c.startsWith("up"))).toEqual([]);
  });

  it("refuses an environment that replicates no backups (staging), as a configuration error", async () => {
    const s = setup();
    const { code, stderr } = await s.run(["dr", "restore", "staging", "--latest", "--yes"]);
    expect(code).toBe(ExitCode.Usage);
    expect(stderr).toContain("staging keeps no backups in its DR region");
  });

  it("needs exactly one of --time and --latest, and production confirmation", async () => {
    const s = setup();
    expect((await s.run(["dr", "restore", "prod", "--yes"])).stderr).toContain("give exactly one of --time <ISO-8601> and --latest");
    const unconfirmed = await s.run(["dr", "restore", "prod", "--latest"]);
    expect(unconfirmed.code).toBe(ExitCode.Usage);
    expect(unconfirmed.stderr).toContain("needs confirmation");
    expect(s.h.engine.calls.filter((c) => c.startsWith("up"))).toEqual([]);
  });

  it("fails loudly, after reporting, when the RPO is missed or the smoke checks fail", async () => {
    const stale = setup({ backups: { ...WINDOW, latestTime: new Date("2026-11-25T11:30:00Z") } });
    const late = await stale.run(["dr", "restore", "prod", "--latest", "--yes"]);
    expect(late.code).toBe(ExitCode.Failure);
    expect(late.stdout).toContain("RPO 30 min (objective 15)");
    expect(late.stderr).toContain("RPO 30.0 min exceeds 15 min");

    const broken = setup({
      smoke: { url: "x", ok: false, checks: [{ name: "health", path: "/health", outcome: "failed", status: 503, latencyMs: 5, attempts: 3, reason: "503" }] },
    });
    const failed = await broken.run(["dr", "restore", "prod", "--latest", "--yes"]);
    expect(failed.code).toBe(ExitCode.Failure);
    expect(failed.stderr).toContain("smoke checks failed against https://ledger.prod-dr.example.com: health");
  });
});

describe("devctl dr drill", () => {
  const posted: { path: string; body: Record<string, unknown> }[] = [];
  let server: http.Server;
  let ledgerEnv: Record<string, string>;
  beforeAll(async () => {
    server = http.createServer((request, response) => {
      let text = "";
      request.on("data", (chunk: Buffer) => (text += chunk.toString()));
      request.on("end", () => {
        posted.push({ path: `${request.method ?? ""} ${request.url ?? ""}`, body: JSON.parse(text || "{}") as Record<string, unknown> });
        response.writeHead(201, { "content-type": "application/json" }).end(JSON.stringify({ id: "d1" }));
      });
    });
    await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
    ledgerEnv = { DEVCTL_LEDGER_URL: `http://127.0.0.1:${(server.address() as AddressInfo).port}`, DEVCTL_LEDGER_TOKEN: "t" };
  });
  afterAll(() => new Promise<void>((resolve) => server.close(() => resolve())));

  it("restores a disposable prod-dr, smoke-tests it, destroys it newest layer first and records the drill", async () => {
    posted.length = 0;
    const s = setup();
    const { code, stdout, stderr } = await s.run(["dr", "drill", "prod", "--yes", "--json"], ledgerEnv);
    expect(stderr).not.toContain("error:");
    expect(code).toBe(ExitCode.Success);
    expect(config(s, "data")).toMatchObject({ [RESTORE_FROM_KEY]: ARN, "platform-data:disposable": "true" });
    // The compute layer's log buckets and ALB must come down too, after the smoke run wrote logs into them.
    expect(config(s, "compute")).toMatchObject({ "platform-compute:disposable": "true" });
    expect(s.h.engine.calls.filter((c) => /^(up|destroy) /.test(c))).toEqual([
      "up prod-dr/network",
      "up prod-dr/data",
      "up prod-dr/compute",
      "destroy prod-dr/compute",
      "destroy prod-dr/data",
      "destroy prod-dr/network",
    ]);
    expect(JSON.parse(stdout)).toMatchObject({ outcome: "passed", destroyed: ["compute", "data", "network"], recorded: true });
    expect(posted).toEqual([
      {
        path: "POST /v1/drills",
        body: expect.objectContaining({
          environment: "prod",
          recoveryEnvironment: "prod-dr",
          region: "eu-central-1",
          outcome: "passed",
          rpoSeconds: 300,
          imageDigest: image("v2").split("@")[1],
        }),
      },
    ]);
  });

  it("still destroys what it created when the restore fails half-way, and records a failed drill", async () => {
    posted.length = 0;
    const s = setup();
    s.h.engine.failures.set("up prod-dr/compute", new Error("ECS service did not stabilise"));
    const { code, stdout, stderr } = await s.run(["dr", "drill", "prod", "--yes"], ledgerEnv);
    expect(code).toBe(ExitCode.Failure);
    expect(stderr).toContain("restore drill of prod failed: restore failed: ECS service did not stabilise");
    // compute's failed first update left nothing; data and network are removed.
    expect(stdout).toContain("destroyed: data, network");
    expect(await s.h.engine.isDeployed({ environment: "prod-dr", layer: "data" })).toBe(false);
    expect(posted.map((p) => p.body)).toEqual([expect.objectContaining({ outcome: "failed", notes: "restore failed: ECS service did not stabilise" })]);
  });

  it("leaves an existing recovery environment alone: a refusal, not a drill", async () => {
    const s = setup();
    s.h.engine.seed({ environment: "prod-dr", layer: "network" }, { outputs: {} });
    const { code, stderr } = await s.run(["dr", "drill", "prod", "--yes"], ledgerEnv);
    expect(code).toBe(ExitCode.Failure);
    expect(stderr).toContain("recovery environment prod-dr already exists");
    expect(s.h.engine.calls.filter((c) => c.startsWith("destroy"))).toEqual([]);
  });
});

describe("devctl dr restore, image from the ledger", () => {
  const asked: string[] = [];
  let server: http.Server;
  let env: Record<string, string>;
  beforeAll(async () => {
    server = http.createServer((request, response) => {
      asked.push(`${request.method ?? ""} ${request.url ?? ""}`);
      response.writeHead(200, { "content-type": "application/json" }).end(JSON.stringify({ imageDigest: digest("from-ledger") }));
    });
    await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
    env = { DEVCTL_LEDGER_URL: `http://127.0.0.1:${(server.address() as AddressInfo).port}`, DEVCTL_LEDGER_TOKEN: "t" };
  });
  afterAll(() => new Promise<void>((resolve) => server.close(() => resolve())));

  it("asks the ledger which digest ran when the release at that time was built from source", async () => {
    const s = setup();
    // 03:00 a build from source (no pinned image), 04:00 a promotion: at 03:30 the build ran, and its digest
    // left the outputs when the promotion replaced it.
    s.h.addHistory({ environment: "prod", layer: "compute" }, { config: {} });
    s.h.addHistory({ environment: "prod", layer: "compute" }, { config: { [IMAGE_CONFIG_KEY]: image("v4") } });
    s.h.engine.stack({ environment: "prod", layer: "compute" }).outputs = { imageRef: image("v4"), ecrRepositoryUrl: REPOSITORY };
    const { code, stderr } = await s.run(["dr", "restore", "prod", "--time", "2026-10-01T03:30:00Z", "--yes"], env);
    expect(stderr).not.toContain("error:");
    expect(code).toBe(ExitCode.Success);
    expect(asked).toEqual(["GET /v1/releases/at?environment=prod&service=release-ledger&time=2026-10-01T03%3A30%3A00.000Z"]);
    expect(config(s, "compute")[IMAGE_CONFIG_KEY]).toBe(inDr(`${REPOSITORY}@${digest("from-ledger")}`));
  });

  it("without a ledger, says the digest is unknown and how to proceed", async () => {
    const s = setup();
    s.h.addHistory({ environment: "prod", layer: "compute" }, { config: {} });
    s.h.addHistory({ environment: "prod", layer: "compute" }, { config: { [IMAGE_CONFIG_KEY]: image("v4") } });
    const { code, stderr } = await s.run(["dr", "restore", "prod", "--time", "2026-10-01T03:30:00Z", "--yes"]);
    expect(code).toBe(ExitCode.Failure);
    expect(stderr).toContain("was built from source and its digest is no longer in the stack's outputs");
    expect(s.h.engine.calls.filter((c) => c.startsWith("up"))).toEqual([]);
  });
});

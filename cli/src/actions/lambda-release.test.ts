import * as fs from "node:fs";
import * as os from "node:os";
import * as path from "node:path";
import { createHash } from "node:crypto";
import { describe, expect, it } from "vitest";
import { API_ARCHIVE_PATH } from "../../../infra/src/compute/lambda/lambda-settings";
import { FakeSoak, FakeWatcher } from "../../test/memory-services";
import { recordingIo } from "../../test/recording-io";
import type { StackRef } from "../engine/engine";
import { MemoryEngine } from "../engine/memory";
import { ExitCode } from "../errors";
import { main } from "../main";
import type { ServicesFactory } from "../services/services";
import { archiveRunningIn, LAMBDA_ARCHIVE_KEY, LAMBDA_ARCHIVE_PATH, LAMBDA_CANARY_VERSION_KEY, LAMBDA_LIVE_VERSION_KEY } from "./lambda-release";

const ENV = "staging-lambda";
const COMPUTE: StackRef = { environment: ENV, layer: "compute" };
const digestOf = (code: string) => `sha256:${createHash("sha256").update(code).digest("hex")}`;

/**
 * The lambda compute layer as the engine sees it: every update whose code differs from the last published one
 * publishes the next version; the alias serves lambdaLiveVersion (else the newest) and the canary its share.
 */
function lambdaHarness() {
  const function_ = { code: "v1", lastPublishedCode: "", published: 0 };
  const aliasHistory: { live: string; canary?: string }[] = [];
  const engine = new MemoryEngine((ref, config) => {
    if (ref.layer !== "compute") return { [`${ref.layer}Id`]: `${ref.layer}-${ref.environment}` };
    if (function_.code !== function_.lastPublishedCode) {
      function_.published += 1;
      function_.lastPublishedCode = function_.code;
    }
    const live = config[LAMBDA_LIVE_VERSION_KEY] ?? String(function_.published);
    const canary = config[LAMBDA_CANARY_VERSION_KEY];
    aliasHistory.push({ live, ...(canary ? { canary } : {}) });
    return {
      platform: "lambda",
      imageRef: null,
      imageDigest: digestOf(function_.code),
      clusterName: null,
      serviceName: `${ENV}-release-ledger-api`,
      logGroupName: `/aws/lambda/${ENV}-release-ledger-api`,
      alarms: [
        { name: `${ENV}-service-5xx-rate`, region: "eu-west-1", kind: "threshold" },
        { name: `${ENV}-service-p99-latency`, region: "eu-west-1", kind: "threshold" },
        { name: `${ENV}-cdn-5xx-rate`, region: "us-east-1", kind: "threshold" },
      ],
      deploymentAlarmNames: [`${ENV}-service-5xx-rate`, `${ENV}-service-p99-latency`],
      lambda: { functionName: `${ENV}-release-ledger-api`, aliasName: "live", liveVersion: live, publishedVersion: String(function_.published) },
    };
  });
  for (const layer of ["network", "data"] as const) {
    const stack = engine.stack({ environment: ENV, layer });
    stack.resources = 3;
    stack.history.push({
      version: 1,
      kind: "update",
      result: "succeeded",
      startTime: new Date("2026-11-01T00:00:00Z"),
      endTime: new Date("2026-11-01T00:01:00Z"),
      message: "",
      config: {},
    });
  }
  const soak = new FakeSoak();
  const slept: number[] = [];
  const stateDir = fs.mkdtempSync(path.join(os.tmpdir(), "devctl-lambda-"));
  const factory: ServicesFactory = () =>
    Promise.resolve({
      engine,
      deployments: new FakeWatcher(),
      soak,
      stateDir,
      now: () => new Date("2026-11-30T12:00:00Z"),
      commitSha: () => Promise.resolve("b".repeat(40)),
      sleep: (ms: number) => {
        slept.push(ms);
        return Promise.resolve();
      },
    });
  const run = async (argv: string[]) => {
    const io = recordingIo({});
    const code = await main(argv, io, factory);
    return { code, stdout: io.stdout.join(""), stderr: io.stderr.join("\n") };
  };
  return { engine, function_, aliasHistory, soak, slept, run };
}

describe("devctl up on the lambda platform", () => {
  it("publishes, gives the new version the canary's share for the bake, then makes it live when the deployment alarms stayed OK", async () => {
    const h = lambdaHarness();
    expect((await h.run(["up", ENV, "--layer", "compute", "--yes"])).code).toBe(ExitCode.Success);
    // First deploy: no live version yet, so version 1 takes everything at once.
    expect(h.aliasHistory).toEqual([{ live: "1" }]);

    h.function_.code = "v2";
    const { code, stderr } = await h.run(["up", ENV, "--layer", "compute", "--yes"]);
    expect(code, stderr).toBe(ExitCode.Success);
    expect(h.aliasHistory.slice(1)).toEqual([{ live: "1" }, { live: "1", canary: "2" }, { live: "2" }]);
    expect(h.slept).toEqual([5 * 60_000]);
    expect(h.soak.requests).toEqual([
      { alarms: [expect.objectContaining({ name: `${ENV}-service-5xx-rate` }), expect.objectContaining({ name: `${ENV}-service-p99-latency` })], minutes: 5 },
    ]);
    expect(stderr).toContain("canary: version 2 takes 10% of requests, version 1 the rest; baking 5 minute(s)");
    const stack = h.engine.stack(COMPUTE);
    expect(stack.config[LAMBDA_LIVE_VERSION_KEY]).toBe("2");
    expect(stack.config[LAMBDA_CANARY_VERSION_KEY]).toBeUndefined();
    expect(stack.history.at(-1)?.message).toBe(`devctl promote canary: version 2 of ${ENV}-release-ledger-api is live`);
  });

  it("withdraws a canary whose alarms fired: the live version keeps everything and the release is reported rolled back", async () => {
    const h = lambdaHarness();
    await h.run(["up", ENV, "--layer", "compute", "--yes"]);
    h.function_.code = "v2";
    h.soak.result = { ok: false, problems: [`${ENV}-service-5xx-rate went to ALARM at 12:03`] };
    const { code, stderr } = await h.run(["up", ENV, "--layer", "compute", "--yes"]);
    expect(code).toBe(ExitCode.Failure);
    expect(stderr).toContain("the canary of version 2 failed its deployment alarms, so it was withdrawn and version 1 keeps all traffic");
    expect(stderr).toContain("service-5xx-rate went to ALARM");
    expect(h.aliasHistory.at(-1)).toEqual({ live: "1" });
    expect(h.engine.stack(COMPUTE).config[LAMBDA_LIVE_VERSION_KEY]).toBe("1");
  });

  it("moves nothing when the code did not change (a reproducible archive publishes no new version)", async () => {
    const h = lambdaHarness();
    await h.run(["up", ENV, "--layer", "compute", "--yes"]);
    await h.run(["up", ENV, "--layer", "compute", "--yes"]);
    expect(h.aliasHistory).toEqual([{ live: "1" }, { live: "1" }]);
    expect(h.slept).toEqual([]);
  });
});

describe("devctl rollback on the lambda platform", () => {
  it("moves the alias back to the version an earlier release served, never to a withdrawn canary, and republishes nothing", async () => {
    const h = lambdaHarness();
    await h.run(["up", ENV, "--layer", "compute", "--yes"]);
    h.function_.code = "v2";
    await h.run(["up", ENV, "--layer", "compute", "--yes"]);
    h.function_.code = "v3";
    h.soak.result = { ok: false, problems: ["alarm"] };
    await h.run(["up", ENV, "--layer", "compute", "--yes"]);
    expect(h.aliasHistory.at(-1)).toEqual({ live: "2" });

    const { code, stdout, stderr } = await h.run(["rollback", ENV, "--yes"]);
    expect(code, stderr).toBe(ExitCode.Success);
    expect(h.aliasHistory.at(-1)).toEqual({ live: "1" });
    expect(h.function_.published).toBe(3);
    expect(stdout).toContain("(function version 1)");
    expect(h.engine.stack(COMPUTE).history.at(-1)?.message).toMatch(/^devctl rollback staging-lambda to release \d+: lambda version 1$/);
  });
});

describe("promoting a lambda environment's code", () => {
  const root = () => {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), "devctl-archive-"));
    fs.mkdirSync(path.join(dir, path.dirname(LAMBDA_ARCHIVE_PATH)), { recursive: true });
    fs.writeFileSync(path.join(dir, LAMBDA_ARCHIVE_PATH), "zip bytes of commit b");
    return dir;
  };

  it("deploys the archive of this checkout only when it is byte for byte what the source runs", async () => {
    expect(LAMBDA_ARCHIVE_PATH).toBe(API_ARCHIVE_PATH);
    const dir = root();
    expect(await archiveRunningIn("staging-lambda", { platform: "lambda", imageDigest: digestOf("zip bytes of commit b") }, dir)).toEqual({
      archive: LAMBDA_ARCHIVE_PATH,
      digest: digestOf("zip bytes of commit b"),
    });
    await expect(archiveRunningIn("staging-lambda", { platform: "lambda", imageDigest: digestOf("other commit") }, dir)).rejects.toThrow(
      /is not the code staging-lambda runs/,
    );
    await expect(archiveRunningIn("staging-lambda", { platform: "lambda", imageDigest: null }, dir)).rejects.toThrow(/reports no code digest/);
    await expect(
      archiveRunningIn("staging-lambda", { platform: "lambda", imageDigest: digestOf("x") }, fs.mkdtempSync(path.join(os.tmpdir(), "empty-"))),
    ).rejects.toThrow(/no Lambda archive at service\/dist\/lambda\/api.zip/);
    await expect(archiveRunningIn("staging", { platform: "ecs", imageDigest: digestOf("zip bytes of commit b") }, dir)).rejects.toThrow(
      /staging does not run on Lambda/,
    );
    expect(LAMBDA_ARCHIVE_KEY).toBe("platform-compute:lambdaArchive");
  });
});

import { describe, expect, it } from "vitest";
import { harness, image, type Harness } from "../../test/memory-services";
import { IMAGE_CONFIG_KEY } from "../engine/engine";
import { ExitCode } from "../errors";
import { SERVING_CUTOVER_KEY } from "./cutover-guard";
import { cutoverRecordSet, type CutoverRecord } from "./dr-cutover";

const HOST = "ledger.platform.example.com";
const ZONE = "Z0PLATFORM";
const RECORD: CutoverRecord = {
  environment: "prod",
  recoveryEnvironment: "prod-dr",
  at: "2026-11-25T11:00:00.000Z",
  from: { distributionId: "E1PROD", domainName: "d1prod.cloudfront.net" },
  to: { distributionId: "E2DR", domainName: "d2dr.cloudfront.net" },
  previous: [],
  ownership: [],
};

/** staging, prod and prod-dr deployed with a release history; prod cut over to prod-dr unless `cutOver` is false. */
function setup(cutOver = true): Harness {
  const h = harness();
  for (const env of ["staging", "prod", "prod-dr"]) {
    h.deploy(env, "network");
    h.deploy(env, "data");
  }
  h.deploy("staging", "compute", { [IMAGE_CONFIG_KEY]: image("v3") });
  for (const env of ["prod", "prod-dr"]) {
    h.deploy(env, "compute", { [IMAGE_CONFIG_KEY]: image("v1") });
    h.deploy(env, "compute", { [IMAGE_CONFIG_KEY]: image("v2") });
  }
  h.edge.addZone(ZONE, "platform.example.com", cutOver ? [cutoverRecordSet(HOST, RECORD)] : []);
  return h;
}

const computeUpdates = (h: Harness) => h.engine.calls.filter((c) => /^up .*\/compute/.test(c));
const servingCutover = (h: Harness) => h.engine.stack({ environment: "prod-dr", layer: "compute" }).config[SERVING_CUTOVER_KEY];

describe("compute deploys while prod is cut over to prod-dr", () => {
  it.each([
    ["up", ["up", "prod", "--yes"]],
    ["promote", ["promote", "prod", "--from", "staging", "--yes"]],
    ["rollback", ["rollback", "prod", "--yes"]],
  ])("refuses devctl %s prod, naming the record and devctl dr cutover prod --back", async (_, argv) => {
    const h = setup();
    const { code, stderr } = await h.run(argv);
    expect(code).toBe(ExitCode.Usage);
    expect(stderr).toContain(`${HOST} is cut over to prod-dr (since 2026-11-25T11:00:00.000Z, recorded at _devctl-dr-cutover.${HOST})`);
    expect(stderr).toContain("run devctl dr cutover prod --back first");
    expect(h.engine.calls.filter((c) => c.startsWith("up "))).toEqual([]);
  });

  it("refuses prod even with --during-cutover: only the recovery environment may deploy during a cutover", async () => {
    const h = setup();
    const { code, stderr } = await h.run(["up", "prod", "--layer", "compute", "--yes", "--during-cutover"]);
    expect(code).toBe(ExitCode.Usage);
    expect(stderr).toContain("run devctl dr cutover prod --back first");
    expect(computeUpdates(h)).toEqual([]);
  });

  it.each([
    ["up", ["up", "prod-dr", "--layer", "compute", "--yes"]],
    ["promote", ["promote", "prod-dr", "--from", "staging", "--yes"]],
    ["rollback", ["rollback", "prod-dr", "--yes"]],
  ])("refuses devctl %s prod-dr without --during-cutover, offering --back or the flag", async (_, argv) => {
    const h = setup();
    const { code, stderr } = await h.run(argv);
    expect(code).toBe(ExitCode.Usage);
    expect(stderr).toContain("prod-dr serves production traffic, and this deploy would take ledger.platform.example.com off its distribution");
    expect(stderr).toContain("run devctl dr cutover prod --back first, or pass --during-cutover");
    expect(computeUpdates(h)).toEqual([]);
  });

  it.each([
    ["up", ["up", "prod-dr", "--layer", "compute", "--yes", "--during-cutover"]],
    ["promote", ["promote", "prod-dr", "--from", "staging", "--yes", "--during-cutover"]],
    ["rollback", ["rollback", "prod-dr", "--yes", "--during-cutover"]],
  ])("devctl %s prod-dr --during-cutover deploys it keeping the host name on its distribution", async (_, argv) => {
    const h = setup();
    const { code, stderr } = await h.run(argv);
    expect(stderr).not.toContain("error:");
    expect(code).toBe(ExitCode.Success);
    expect(computeUpdates(h)).toEqual(["up prod-dr/compute"]);
    expect(servingCutover(h)).toBe("true");
  });

  it("leaves deploys of other layers alone", async () => {
    const h = setup();
    const { code } = await h.run(["up", "prod", "--layer", "network", "--yes"]);
    expect(code).toBe(ExitCode.Success);
  });
});

describe("compute deploys when no cutover is recorded", () => {
  it("deploys prod-dr letting the host name go again (after dr cutover --back), and prod as usual", async () => {
    const h = setup(false);
    await h.engine.setConfig({ environment: "prod-dr", layer: "compute" }, SERVING_CUTOVER_KEY, "true");
    expect((await h.run(["up", "prod-dr", "--layer", "compute", "--yes"])).code).toBe(ExitCode.Success);
    expect(servingCutover(h)).toBeUndefined();
    expect((await h.run(["promote", "prod", "--from", "staging", "--yes"])).code).toBe(ExitCode.Success);
    expect(computeUpdates(h)).toEqual(["up prod-dr/compute", "up prod/compute"]);
  });

  it("refuses --during-cutover when nothing is cut over, and outside production", async () => {
    const h = setup(false);
    const notCutOver = await h.run(["up", "prod-dr", "--layer", "compute", "--yes", "--during-cutover"]);
    expect(notCutOver.code).toBe(ExitCode.Usage);
    expect(notCutOver.stderr).toContain(`${HOST} is not cut over (no record at _devctl-dr-cutover.${HOST}): --during-cutover does not apply`);
    const staging = await h.run(["up", "staging", "--layer", "compute", "--during-cutover"]);
    expect(staging.code).toBe(ExitCode.Usage);
    expect(staging.stderr).toContain("--during-cutover is only for a recovery environment (<env>-dr); staging is not one");
    expect(computeUpdates(h)).toEqual([]);
  });
});

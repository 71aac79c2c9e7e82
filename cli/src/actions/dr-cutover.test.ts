import { describe, expect, it } from "vitest";
import { harness, type Harness } from "../../test/memory-services";
import { MemoryEdge } from "../../test/memory-edge";
import { recordingIo } from "../../test/recording-io";
import { CLOUDFRONT_ALIAS_ZONE_ID, certificateCovers, txtStrings, txtValue, type RecordSet } from "../aws/edge-control";
import { ExitCode } from "../errors";
import { main } from "../main";
import type { ServicesFactory } from "../services/services";
import type { SmokeReport } from "../smoke/checks";
import { cutoverRecordName, cutoverRecordSet, parseCutoverRecord, type DrCutoverResult } from "./dr-cutover";
import { DISPOSABLE_KEY } from "./dr-restore";

const HOST = "ledger.platform.example.com";
const ZONE = "Z0PLATFORM";
const PROD = { id: "E1PROD", domainName: "d1prod.cloudfront.net" };
const DR = { id: "E2DR", domainName: "d2dr.cloudfront.net" };
const PROD_URL = `https://${PROD.domainName}`;
const DR_URL = `https://${DR.domainName}`;
const HOST_URL = `https://${HOST}`;

const alias = (name: string, type: "A" | "AAAA", target: string): RecordSet => ({
  name,
  type,
  alias: { dnsName: target, hostedZoneId: CLOUDFRONT_ALIAS_ZONE_ID, evaluateTargetHealth: false },
});

interface Setup {
  readonly h: Harness;
  readonly edge: MemoryEdge;
  /** Which URLs the smoke checks were run against, in order. */
  readonly smoked: string[];
  /** URLs that fail their smoke checks; a URL may fail only from its nth check on (see failFrom). */
  readonly unhealthy: Set<string>;
  run(argv: string[], options?: { interactive?: boolean; answers?: string[] }): Promise<{ code: number; stdout: string; stderr: string }>;
}

/** prod serves HOST from its distribution; prod-dr is restored, healthy, its certificate also names HOST. */
function setup(options: { drCertificate?: string[] } = {}): Setup {
  const h = harness();
  h.engine.seed({ environment: "prod", layer: "compute" }, { outputs: { cdnDomainName: PROD.domainName } });
  h.engine.seed({ environment: "prod-dr", layer: "compute" }, { outputs: { cdnDomainName: DR.domainName } });
  const edge = new MemoryEdge()
    .addDistribution({ ...PROD, aliases: [HOST], status: "Deployed", certificateArn: "arn:acm:prod" })
    .addDistribution({ ...DR, aliases: [`dr.${HOST}`], status: "Deployed", certificateArn: "arn:acm:dr" })
    .addZone(ZONE, "platform.example.com", [alias(HOST, "A", PROD.domainName), alias(HOST, "AAAA", PROD.domainName), alias(`dr.${HOST}`, "A", DR.domainName)]);
  edge.certificates.set("arn:acm:prod", [HOST]);
  edge.certificates.set("arn:acm:dr", options.drCertificate ?? [`dr.${HOST}`, HOST]);
  const smoked: string[] = [];
  const unhealthy = new Set<string>();
  const factory: ServicesFactory = async (environment, io, serviceOptions) => ({
    ...(await h.factory(environment, io, serviceOptions)),
    edge,
    smokeTest: (url): Promise<SmokeReport> => {
      smoked.push(url);
      const ok = !unhealthy.has(url);
      return Promise.resolve({
        url,
        ok,
        checks: ok ? [] : [{ name: "ready", path: "/readyz", outcome: "failed", status: 503, latencyMs: 3, attempts: 3, reason: "503" }],
      });
    },
  });
  return {
    h,
    edge,
    smoked,
    unhealthy,
    async run(argv, ioOptions = {}) {
      const io = recordingIo(ioOptions);
      const code = await main(argv, io, factory);
      return { code, stdout: io.stdout.join(""), stderr: io.stderr.join("\n") };
    },
  };
}

const holder = (s: Setup) => [...s.edge.distributionsById.values()].find((d) => d.aliases.includes(HOST))?.id;
const changed = (s: Setup) => s.edge.calls.filter((c) => c.startsWith("changeRecords") || c.startsWith("associateAlias"));

describe("devctl dr cutover", () => {
  it("moves the host name to prod-dr's distribution, then its DNS, checking health through both names", async () => {
    const s = setup();
    const { code, stdout, stderr } = await s.run(["dr", "cutover", "prod", "--yes", "--json"]);
    expect(stderr).not.toContain("error:");
    expect(code).toBe(ExitCode.Success);
    expect(holder(s)).toBe(DR.id);
    const zone = s.edge.snapshot(ZONE);
    expect(zone[`${HOST} A`]).toEqual(alias(HOST, "A", DR.domainName));
    expect(zone[`${HOST} AAAA`]).toEqual(alias(HOST, "AAAA", DR.domainName));
    expect(zone[`_${HOST} TXT`]?.values).toEqual([`"${DR.domainName}"`]);
    expect(parseCutoverRecord(zone[`${cutoverRecordName(HOST)} TXT`]!, HOST)).toMatchObject({
      environment: "prod",
      recoveryEnvironment: "prod-dr",
      from: { distributionId: PROD.id, domainName: PROD.domainName },
      to: { distributionId: DR.id, domainName: DR.domainName },
      ownership: [],
    });
    // The ownership record is in sync before CloudFront is asked; the alias move is deployed before DNS follows;
    // A, AAAA and the cutover record change in one batch.
    expect(changed(s)).toEqual([
      `changeRecords UPSERT _${HOST} TXT`,
      `associateAlias ${DR.id} ${HOST}`,
      `changeRecords UPSERT ${HOST} A, UPSERT ${HOST} AAAA, CREATE ${cutoverRecordName(HOST)} TXT`,
    ]);
    expect(s.edge.calls.indexOf("waitForChange C1")).toBeLessThan(s.edge.calls.indexOf(`associateAlias ${DR.id} ${HOST}`));
    expect(s.edge.calls.indexOf(`waitForDistribution ${DR.id}`)).toBeLessThan(s.edge.calls.findIndex((c) => c.includes(`UPSERT ${HOST} A`)));
    expect(s.smoked).toEqual([DR_URL, HOST_URL]);
    const result = JSON.parse(stdout) as DrCutoverResult;
    expect(result).toMatchObject({
      direction: "to-recovery",
      outcome: "switched",
      healthBefore: { url: DR_URL, ok: true },
      healthAfter: { url: HOST_URL, ok: true },
      rolledBack: [],
    });
    expect(result.steps).toHaveLength(3);
  });

  it("--back restores exactly the records and the alias the cutover replaced", async () => {
    const s = setup();
    // A TXT value on _<host> from before (say, an earlier move by hand) must come back as it was.
    await s.edge.changeRecords(ZONE, "seed", [{ action: "CREATE", record: { name: `_${HOST}`, type: "TXT", ttl: 300, values: [txtValue(["kept by hand"])] } }]);
    const before = s.edge.snapshot(ZONE);
    expect((await s.run(["dr", "cutover", "prod", "--yes"])).code).toBe(ExitCode.Success);
    s.smoked.length = 0;
    const { code, stdout, stderr } = await s.run(["dr", "cutover", "prod", "--back", "--yes"]);
    expect(stderr).not.toContain("error:");
    expect(code).toBe(ExitCode.Success);
    expect(holder(s)).toBe(PROD.id);
    expect(s.edge.snapshot(ZONE)).toEqual(before);
    expect(s.smoked).toEqual([PROD_URL, HOST_URL]);
    expect(stdout).toContain(`moved ${HOST} from prod-dr (${DR.id}) to prod (${PROD.id})`);
  });

  it("--back deletes the ownership record when there was none before the cutover", async () => {
    const s = setup();
    const before = s.edge.snapshot(ZONE);
    await s.run(["dr", "cutover", "prod", "--yes"]);
    expect((await s.run(["dr", "cutover", "prod", "--back", "--yes"])).code).toBe(ExitCode.Success);
    expect(s.edge.snapshot(ZONE)).toEqual(before);
  });

  it("refuses, changing nothing, when prod-dr is not deployed", async () => {
    const s = setup();
    s.h.engine.stack({ environment: "prod-dr", layer: "compute" }).resources = 0;
    const { code, stderr } = await s.run(["dr", "cutover", "prod", "--yes"]);
    expect(code).toBe(ExitCode.Failure);
    expect(stderr).toContain("recovery environment prod-dr is not deployed");
    expect(stderr).toContain("devctl dr restore prod --latest");
    expect(changed(s)).toEqual([]);
  });

  it("refuses, changing nothing, when prod-dr is unhealthy through its distribution", async () => {
    const s = setup();
    s.unhealthy.add(DR_URL);
    const { code, stderr } = await s.run(["dr", "cutover", "prod", "--yes"]);
    expect(code).toBe(ExitCode.Failure);
    expect(stderr).toContain(`prod-dr is not healthy through its distribution (${DR_URL}: ready); nothing was changed`);
    expect(changed(s)).toEqual([]);
  });

  it("refuses when prod-dr's certificate does not name the host (CloudFront would refuse the move)", async () => {
    const s = setup({ drCertificate: [`dr.${HOST}`] });
    const { code, stderr } = await s.run(["dr", "cutover", "prod", "--yes"]);
    expect(code).toBe(ExitCode.Failure);
    expect(stderr).toContain(`prod-dr's distribution ${DR.id} has no issued certificate for ${HOST} (it covers: dr.${HOST})`);
    expect(changed(s)).toEqual([]);
  });

  it("refuses a restore drill's disposable copy", async () => {
    const s = setup();
    await s.h.engine.setConfig({ environment: "prod-dr", layer: "data" }, DISPOSABLE_KEY, "true");
    const { code, stderr } = await s.run(["dr", "cutover", "prod", "--yes"]);
    expect(code).toBe(ExitCode.Failure);
    expect(stderr).toContain("prod-dr is a restore drill's disposable copy");
    expect(changed(s)).toEqual([]);
  });

  it("refuses when DNS does not point where CloudFront serves the host", async () => {
    const s = setup();
    await s.edge.changeRecords(ZONE, "drift", [{ action: "UPSERT", record: alias(HOST, "AAAA", "d9other.cloudfront.net") }]);
    const { code, stderr } = await s.run(["dr", "cutover", "prod", "--yes"]);
    expect(code).toBe(ExitCode.Failure);
    expect(stderr).toContain(`${HOST}'s AAAA record points at d9other.cloudfront.net, not at ${PROD.domainName}`);
    expect(changed(s).filter((c) => !c.includes("drift"))).toEqual([`changeRecords UPSERT ${HOST} AAAA`]);
  });

  it("needs production confirmation: --yes, or the typed name at a terminal", async () => {
    const s = setup();
    const unconfirmed = await s.run(["dr", "cutover", "prod"]);
    expect(unconfirmed.code).toBe(ExitCode.Usage);
    expect(unconfirmed.stderr).toContain("needs confirmation and there is no terminal to ask on");
    const wrong = await s.run(["dr", "cutover", "prod"], { interactive: true, answers: ["staging"] });
    expect(wrong.code).toBe(ExitCode.Usage);
    expect(changed(s)).toEqual([]);
    const typed = await s.run(["dr", "cutover", "prod"], { interactive: true, answers: ["prod"] });
    expect(typed.code).toBe(ExitCode.Success);
    expect(holder(s)).toBe(DR.id);
  });

  it("refuses a second cutover, and --back when nothing was cut over", async () => {
    const s = setup();
    const back = await s.run(["dr", "cutover", "prod", "--back", "--yes"]);
    expect(back.code).toBe(ExitCode.Usage);
    expect(back.stderr).toContain(`${HOST} is not cut over: there is no cutover record at ${cutoverRecordName(HOST)}`);
    await s.run(["dr", "cutover", "prod", "--yes"]);
    const again = await s.run(["dr", "cutover", "prod", "--yes"]);
    expect(again.code).toBe(ExitCode.Usage);
    expect(again.stderr).toContain(`${HOST} is already cut over to prod-dr (since 2026-11-25T12:00:00.000Z`);
  });

  it("refuses staging (no recovery environment) and a recovery environment's own name", async () => {
    const s = setup();
    expect((await s.run(["dr", "cutover", "staging", "--yes"])).stderr).toContain("staging keeps no backups in its DR region");
    const own = await s.run(["dr", "cutover", "prod-dr", "--yes"]);
    expect(own.code).toBe(ExitCode.Usage);
    expect(own.stderr).toContain("prod-dr is a recovery environment; name the environment it recovers");
  });

  it("--back refuses while prod is unhealthy: traffic stays on prod-dr", async () => {
    const s = setup();
    await s.run(["dr", "cutover", "prod", "--yes"]);
    const after = s.edge.snapshot(ZONE);
    s.unhealthy.add(PROD_URL);
    const { code, stderr } = await s.run(["dr", "cutover", "prod", "--back", "--yes"]);
    expect(code).toBe(ExitCode.Failure);
    expect(stderr).toContain("traffic stays on prod-dr");
    expect(s.edge.snapshot(ZONE)).toEqual(after);
    expect(holder(s)).toBe(DR.id);
  });

  it("--back that fails its last check leaves traffic on prod-dr, as it was", async () => {
    const s = setup();
    await s.run(["dr", "cutover", "prod", "--yes"]);
    const cutOver = s.edge.snapshot(ZONE);
    s.unhealthy.add(HOST_URL);
    const { code, stdout } = await s.run(["dr", "cutover", "prod", "--back", "--yes", "--json"]);
    expect(code).toBe(ExitCode.Failure);
    expect(JSON.parse(stdout)).toMatchObject({ direction: "back", outcome: "rolled-back", rollbackProblems: [] });
    expect(s.edge.snapshot(ZONE)).toEqual(cutOver);
    expect(holder(s)).toBe(DR.id);
  });

  it("--back works once prod-dr is gone from the engine's view: it needs only the record and CloudFront", async () => {
    const s = setup();
    const before = s.edge.snapshot(ZONE);
    await s.run(["dr", "cutover", "prod", "--yes"]);
    s.h.engine.stack({ environment: "prod-dr", layer: "compute" }).resources = 0;
    expect((await s.run(["dr", "cutover", "prod", "--back", "--yes"])).code).toBe(ExitCode.Success);
    expect(s.edge.snapshot(ZONE)).toEqual(before);
  });

  it("undoes the ownership record when CloudFront refuses the move", async () => {
    const s = setup();
    const before = s.edge.snapshot(ZONE);
    s.edge.failures.set(`associateAlias ${DR.id}`, Object.assign(new Error("IllegalUpdate: alias in use"), { name: "IllegalUpdate" }));
    const { code, stdout, stderr } = await s.run(["dr", "cutover", "prod", "--yes"]);
    expect(code).toBe(ExitCode.Failure);
    expect(stderr).toContain("every step was undone: traffic stays where it was");
    expect(stdout).toContain(`undone: ownership record _${HOST}`);
    expect(s.edge.snapshot(ZONE)).toEqual(before);
    expect(holder(s)).toBe(PROD.id);
  });

  it("undoes every step, newest first, when prod-dr is unhealthy through the host name afterwards", async () => {
    const s = setup();
    const before = s.edge.snapshot(ZONE);
    s.unhealthy.add(HOST_URL);
    const { code, stdout, stderr } = await s.run(["dr", "cutover", "prod", "--yes", "--json"]);
    expect(code).toBe(ExitCode.Failure);
    const result = JSON.parse(stdout) as DrCutoverResult;
    expect(result).toMatchObject({ outcome: "rolled-back", failure: `prod-dr is not healthy through ${HOST_URL}: ready`, rollbackProblems: [] });
    expect(result.rolledBack.map((step) => step.split(" ")[0])).toEqual(["DNS", HOST, "ownership"]);
    expect(stderr).toContain("every step was undone");
    expect(s.edge.snapshot(ZONE)).toEqual(before);
    expect(holder(s)).toBe(PROD.id);
    expect(s.edge.calls).toContain(`associateAlias ${PROD.id} ${HOST}`);
  });

  it("undoes the alias move when the DNS batch is refused (nothing of the batch applied)", async () => {
    const s = setup();
    const before = s.edge.snapshot(ZONE);
    s.edge.failures.set(`changeRecords UPSERT ${HOST} A`, Object.assign(new Error("Throttling: Rate exceeded"), { name: "Throttling" }));
    const { code, stdout } = await s.run(["dr", "cutover", "prod", "--yes", "--json"]);
    expect(code).toBe(ExitCode.Failure);
    const result = JSON.parse(stdout) as DrCutoverResult;
    expect(result.rolledBack).toHaveLength(2);
    expect(s.edge.snapshot(ZONE)).toEqual(before);
    expect(holder(s)).toBe(PROD.id);
  });

  it("says exactly what is left when an undo fails too", async () => {
    const s = setup();
    s.unhealthy.add(HOST_URL);
    s.edge.failures.set(`associateAlias ${PROD.id}`, Object.assign(new Error("AccessDenied"), { name: "AccessDenied" }));
    const { code, stdout, stderr } = await s.run(["dr", "cutover", "prod", "--yes", "--json"]);
    expect(code).toBe(ExitCode.Failure);
    const result = JSON.parse(stdout) as DrCutoverResult;
    expect(result.outcome).toBe("rollback-incomplete");
    // The alias could not move back; the other undos still ran (ownership's undo then finds its value changed).
    expect(result.rollbackProblems).toEqual([`could not undo "${HOST} moved to prod-dr's distribution ${DR.id}": AccessDenied`]);
    expect(result.rolledBack).toEqual([expect.stringMatching(/^DNS /), expect.stringMatching(/^ownership record/)]);
    expect(stderr).toContain("undoing it failed too");
    // DNS was still put back: the host's records point at prod's distribution again, the record is gone.
    expect(s.edge.snapshot(ZONE)[`${HOST} A`]).toEqual(alias(HOST, "A", PROD.domainName));
    expect(s.edge.snapshot(ZONE)[`${cutoverRecordName(HOST)} TXT`]).toBeUndefined();
  });
});

describe("the cutover record and TXT values", () => {
  it("round-trips what --back needs through the TXT record", () => {
    const record = {
      environment: "prod",
      recoveryEnvironment: "prod-dr",
      at: "2026-11-25T12:00:00.000Z",
      from: { distributionId: PROD.id, domainName: PROD.domainName },
      to: { distributionId: DR.id, domainName: DR.domainName },
      previous: [
        alias(HOST, "A", PROD.domainName),
        { ...alias(HOST, "AAAA", PROD.domainName), alias: { dnsName: PROD.domainName, hostedZoneId: CLOUDFRONT_ALIAS_ZONE_ID, evaluateTargetHealth: true } },
      ],
      ownership: [txtValue(['a "quoted" value'])],
      ownershipTtl: 300,
    };
    expect(parseCutoverRecord(cutoverRecordSet(HOST, record), HOST)).toEqual(record);
  });

  it("refuses a record devctl did not write", () => {
    expect(() => parseCutoverRecord({ name: cutoverRecordName(HOST), type: "TXT", values: ['"v=spf1 -all"'] }, HOST)).toThrow(
      /is not a cutover record this devctl wrote/,
    );
  });

  it("quotes and unquotes TXT strings as Route 53 does", () => {
    expect(txtStrings('"a" "b c" "say \\"hi\\""')).toEqual(["a", "b c", 'say "hi"']);
    expect(txtStrings(txtValue(['x "y"', "z\\"]))).toEqual(['x "y"', "z\\"]);
  });

  it("matches a certificate's names, a wildcard covering one label only", () => {
    expect(certificateCovers([HOST], HOST)).toBe(true);
    expect(certificateCovers(["*.platform.example.com"], HOST)).toBe(true);
    expect(certificateCovers(["*.example.com"], HOST)).toBe(false);
    expect(certificateCovers([`dr.${HOST}`], HOST)).toBe(false);
  });
});

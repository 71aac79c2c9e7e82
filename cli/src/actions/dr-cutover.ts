/**
 * `devctl dr cutover <env> [--back]`: moves <env>'s production host name to the recovery environment
 * <env>-dr (or back). Each environment keeps its own CloudFront distribution, WAF and origin-verify header,
 * so nothing about an origin changes: the host name moves between distributions (CloudFront AssociateAlias,
 * proved by the _<host> TXT record) and its Route 53 alias follows, in one atomic change batch that also
 * writes the cutover record --back reverses. Every step is undone, newest first, when a later one fails.
 */
import { recoveryEnvironmentName } from "@platform/infra/environment";
import {
  CLOUDFRONT_ALIAS_ZONE_ID,
  certificateCovers,
  txtStrings,
  txtValue,
  type DistributionView,
  type EdgeControl,
  type RecordChange,
  type RecordSet,
} from "../aws/edge-control";
import { DevctlError } from "../errors";
import { recoverySmoke, type SmokeReport } from "../smoke/checks";
import { confirmProduction } from "./confirm";
import { elapsed, prepare, printResult, type Action, type ActionContext } from "./context";
import { DISPOSABLE_KEY } from "./dr-restore";

export interface DrCutoverOptions {
  readonly environment: string;
  /** Move the host name back from <env>-dr to <env>. */
  readonly back: boolean;
  readonly yes: boolean;
  readonly json: boolean;
}

/** Route 53 changes reach every name server within a minute or two; five is a fault. */
export const DNS_SYNC_TIMEOUT_MS = 5 * 60_000;
/** A distribution redeploys to every edge location in minutes; twenty stays well inside the 1 h RTO. */
export const DISTRIBUTION_DEPLOY_TIMEOUT_MS = 20 * 60_000;
/** TTL of the TXT records a cutover writes: short, so a correction spreads fast. */
const TXT_TTL = 60;
/** First string of the cutover record: what wrote it, and its format version. */
const MARKER_TAG = "devctl dr cutover v1";

/** The TXT record CloudFront reads to let AssociateAlias move `host`: _<host>, naming the target distribution. */
export const ownershipRecordName = (host: string): string => `_${host}`;
/** Where a cutover records what it changed, beside the host name, so any operator's --back finds it. */
export const cutoverRecordName = (host: string): string => `_devctl-dr-cutover.${host}`;

interface Side {
  readonly environment: string;
  readonly distributionId: string;
  readonly domainName: string;
}

export interface HealthView {
  readonly url: string;
  readonly ok: boolean;
  readonly failed: readonly string[];
}

export interface DrCutoverResult {
  readonly command: "dr cutover";
  readonly direction: "to-recovery" | "back";
  readonly environment: string;
  readonly recoveryEnvironment: string;
  readonly host: string;
  readonly from: Side;
  readonly to: Side;
  /** switched: traffic moved and answers healthy; rolled-back: a step failed and every step was undone. */
  readonly outcome: "switched" | "rolled-back" | "rollback-incomplete";
  readonly steps: readonly { readonly step: string; readonly seconds: number }[];
  /** The target checked through its own distribution before anything changed. */
  readonly healthBefore: HealthView;
  /** The target checked through the production host name once traffic moved. */
  readonly healthAfter?: HealthView;
  readonly failure?: string;
  readonly rolledBack: readonly string[];
  /** Undo steps that failed: what is left for a person to put right. */
  readonly rollbackProblems: readonly string[];
}

/** What the cutover record keeps: the state before the cutover, so --back restores exactly that. */
export interface CutoverRecord {
  readonly environment: string;
  readonly recoveryEnvironment: string;
  readonly at: string;
  readonly from: { readonly distributionId: string; readonly domainName: string };
  readonly to: { readonly distributionId: string; readonly domainName: string };
  /** The host's A and AAAA alias records before the cutover. */
  readonly previous: readonly RecordSet[];
  /** The _<host> TXT values before the cutover (none when there was no record), and their TTL. */
  readonly ownership: readonly string[];
  readonly ownershipTtl?: number | undefined;
}

export const runDrCutover: Action<DrCutoverOptions> = async (options, context) => {
  const action = await prepare(options.environment, context);
  const result = await collectCutover(action, options);
  printCutover(action, options.json, result);
  if (result.outcome !== "switched") {
    throw new DevctlError(
      "OPERATION_FAILED",
      `dr cutover${options.back ? " --back" : ""} of ${result.host} failed (${result.failure ?? "unknown"}); ${
        result.outcome === "rolled-back" ? "every step was undone: traffic stays where it was" : `undoing it failed too: ${result.rollbackProblems.join("; ")}`
      }`,
      result.outcome === "rolled-back"
        ? "fix the cause above and run the command again"
        : "put right what the report lists by hand (docs/runbooks.md#restore-database-dr, 'cutover by hand'), then check with dig and curl",
    );
  }
};

/** Checks every precondition (changing nothing), confirms, then moves the host name; returns the report. */
export async function collectCutover(action: ActionContext, options: DrCutoverOptions): Promise<DrCutoverResult> {
  const plan = await planCutover(action, options);
  await confirmProduction(action.environment, action.io, {
    yes: options.yes,
    action: `move ${plan.host} from ${plan.from.environment} to ${plan.to.environment}: production traffic of`,
  });
  return executeCutover(action, plan);
}

interface CutoverPlan {
  readonly direction: DrCutoverResult["direction"];
  readonly environment: string;
  readonly recoveryEnvironment: string;
  readonly host: string;
  readonly zoneId: string;
  readonly edge: EdgeControl;
  readonly from: Side;
  readonly to: Side;
  readonly healthBefore: HealthView;
  /** The record sets the final switch writes (A/AAAA, the cutover record, _<host> on the way back). */
  readonly switchChanges: (current: ReadonlyMap<string, RecordSet>) => RecordChange[];
}

async function planCutover(action: ActionContext, options: DrCutoverOptions): Promise<CutoverPlan> {
  const { environment, services } = action;
  if (environment.recovery.of !== undefined) {
    throw new DevctlError(
      "USAGE",
      `${environment.name} is a recovery environment; name the environment it recovers`,
      `devctl dr cutover ${environment.recovery.of}${options.back ? " --back" : ""}`,
    );
  }
  const { loadEnvironment } = await import("@platform/infra/environment");
  const recovery = loadEnvironment(recoveryEnvironmentName(environment.name));
  const edge = services.edge;
  if (!edge) {
    throw new DevctlError(
      "OPERATION_FAILED",
      "devctl was built without the CloudFront and Route 53 calls dr cutover needs",
      "run devctl from this repository's build (pnpm devctl)",
    );
  }
  const host = environment.dns.domainName;
  const zoneId = await edge.publicZoneId(environment.dns.hostedZoneName);
  if (zoneId === undefined) {
    throw new DevctlError(
      "OPERATION_FAILED",
      `there is no public Route 53 hosted zone ${environment.dns.hostedZoneName}`,
      `check platform:hostedZoneName in Pulumi.${environment.name}.yaml`,
    );
  }
  const hostRecords = await edge.records(zoneId, host);
  const marker = (await edge.records(zoneId, cutoverRecordName(host))).find((r) => r.type === "TXT");
  const ownershipBefore = (await edge.records(zoneId, ownershipRecordName(host))).find((r) => r.type === "TXT");
  const distributions = await edge.distributions();
  const holder = distributions.find((d) => d.aliases.includes(host));

  const base = { environment: environment.name, recoveryEnvironment: recovery.name, host, zoneId, edge };
  const smoke = services.smokeTest ?? recoverySmoke;
  if (!options.back) {
    const recoveryDistribution = await recoveryDistributionOf(action, recovery.name, distributions);
    if (marker) {
      const record = parseCutoverRecord(marker, host);
      throw new DevctlError(
        "USAGE",
        `${host} is already cut over to ${record.recoveryEnvironment} (since ${record.at}, recorded at ${cutoverRecordName(host)})`,
        `to return, run devctl dr cutover ${environment.name} --back`,
      );
    }
    if (!holder) {
      throw new DevctlError(
        "OPERATION_FAILED",
        `no CloudFront distribution holds ${host}: ${environment.name}'s edge is not what devctl expects`,
        `redeploy ${environment.name}'s compute layer, or move the name by hand (docs/runbooks.md#restore-database-dr)`,
      );
    }
    if (holder.id === recoveryDistribution.id) {
      throw new DevctlError(
        "OPERATION_FAILED",
        `${recovery.name}'s distribution already holds ${host}, but there is no cutover record at ${cutoverRecordName(host)}`,
        "someone moved it by hand: check DNS and the distributions before going on (docs/runbooks.md#restore-database-dr)",
      );
    }
    const previous = aliasRecordsTo(hostRecords, holder, host);
    await requireReady(edge, recoveryDistribution, host, recovery.name);
    const healthBefore = await health(smoke, `https://${recoveryDistribution.domainName}`);
    if (!healthBefore.ok) {
      throw new DevctlError(
        "OPERATION_FAILED",
        `${recovery.name} is not healthy through its distribution (${healthBefore.url}: ${healthBefore.failed.join(", ")}); nothing was changed`,
        `look at ${recovery.name}'s service (devctl smoke ${recovery.name}) before moving traffic to it`,
      );
    }
    const from = side(environment.name, holder);
    const to = side(recovery.name, recoveryDistribution);
    return {
      ...base,
      direction: "to-recovery",
      from,
      to,
      healthBefore,
      switchChanges: () => {
        const record: CutoverRecord = {
          environment: environment.name,
          recoveryEnvironment: recovery.name,
          at: services.now().toISOString(),
          from,
          to,
          previous,
          // What _<host> held before step 1 pointed it at the target: --back puts it back.
          ownership: ownershipBefore?.values ?? [],
          ownershipTtl: ownershipBefore?.ttl,
        };
        return [
          ...previous.map((r): RecordChange => ({
            action: "UPSERT",
            record: {
              ...r,
              alias: {
                dnsName: to.domainName,
                hostedZoneId: r.alias?.hostedZoneId ?? CLOUDFRONT_ALIAS_ZONE_ID,
                evaluateTargetHealth: r.alias?.evaluateTargetHealth ?? false,
              },
            },
          })),
          { action: "CREATE", record: cutoverRecordSet(host, record) },
        ];
      },
    };
  }

  if (!marker) {
    throw new DevctlError(
      "USAGE",
      `${host} is not cut over: there is no cutover record at ${cutoverRecordName(host)}`,
      `nothing to move back; check with: dig +short ${host}`,
    );
  }
  const record = parseCutoverRecord(marker, host);
  const primary = distributions.find((d) => d.id === record.from.distributionId);
  if (!primary) {
    throw new DevctlError(
      "OPERATION_FAILED",
      `${environment.name}'s distribution ${record.from.distributionId} (recorded by the cutover) no longer exists`,
      `redeploy ${environment.name} (devctl up ${environment.name}), then move ${host} by hand (docs/runbooks.md#restore-database-dr)`,
    );
  }
  if (holder?.id !== record.to.distributionId) {
    throw new DevctlError(
      "OPERATION_FAILED",
      `${host} is held by ${holder ? `distribution ${holder.id}` : "no distribution"}, not by ${record.recoveryEnvironment}'s ${record.to.distributionId} as the cutover record says`,
      "someone changed it by hand: compare the distributions and DNS with the record before going on (docs/runbooks.md#restore-database-dr)",
    );
  }
  aliasRecordsTo(hostRecords, holder, host);
  await requireReady(edge, primary, host, environment.name);
  const healthBefore = await health(smoke, `https://${primary.domainName}`);
  if (!healthBefore.ok) {
    throw new DevctlError(
      "OPERATION_FAILED",
      `${environment.name} is not healthy through its distribution (${healthBefore.url}: ${healthBefore.failed.join(", ")}); traffic stays on ${record.recoveryEnvironment}`,
      `bring ${environment.name} back first (devctl status ${environment.name}, devctl smoke ${environment.name})`,
    );
  }
  const ownershipName = ownershipRecordName(host);
  return {
    ...base,
    direction: "back",
    from: side(record.recoveryEnvironment, holder),
    to: side(environment.name, primary),
    healthBefore,
    switchChanges: (current) => {
      const ownership = current.get(key(ownershipName, "TXT"));
      return [
        ...record.previous.map((r): RecordChange => ({ action: "UPSERT", record: r })),
        { action: "DELETE", record: marker },
        ...(record.ownership.length > 0
          ? [{ action: "UPSERT" as const, record: { name: ownershipName, type: "TXT", ttl: record.ownershipTtl ?? TXT_TTL, values: record.ownership } }]
          : ownership
            ? [{ action: "DELETE" as const, record: ownership }]
            : []),
      ];
    },
  };
}

/** The recovery environment's distribution, once it is deployed to take traffic (not a drill's copy). */
async function recoveryDistributionOf(action: ActionContext, recoveryName: string, distributions: readonly DistributionView[]): Promise<DistributionView> {
  const { environment, services } = action;
  const host = environment.dns.domainName;
  const recoveryCompute = { environment: recoveryName, layer: "compute" as const };
  if (!(await services.engine.isDeployed(recoveryCompute))) {
    throw new DevctlError(
      "OPERATION_FAILED",
      `recovery environment ${recoveryName} is not deployed: there is nothing to move ${host} to`,
      `restore it first: devctl dr restore ${environment.name} --latest`,
    );
  }
  if ((await services.engine.getConfig({ environment: recoveryName, layer: "data" }, DISPOSABLE_KEY)) === "true") {
    throw new DevctlError(
      "OPERATION_FAILED",
      `${recoveryName} is a restore drill's disposable copy (no deletion protection, destroyed when the drill ends); it never takes traffic`,
      `wait for the drill to finish, then run devctl dr restore ${environment.name} --latest for a recovery that can`,
    );
  }
  const recoveryDomain = (await services.engine.outputs(recoveryCompute)).cdnDomainName;
  if (typeof recoveryDomain !== "string" || recoveryDomain === "") {
    throw new DevctlError("OPERATION_FAILED", `${recoveryName}'s compute layer has no cdnDomainName output`, `deploy it fully: devctl up ${recoveryName}`);
  }
  const found = distributions.find((d) => d.domainName === recoveryDomain);
  if (!found) {
    throw new DevctlError(
      "OPERATION_FAILED",
      `no CloudFront distribution has ${recoveryName}'s domain ${recoveryDomain}`,
      `redeploy ${recoveryName}'s compute layer: devctl up ${recoveryName} --layer compute`,
    );
  }
  return found;
}

/** The host's A (and AAAA) records, which must be aliases to the distribution that holds the name. */
function aliasRecordsTo(records: readonly RecordSet[], holder: DistributionView, host: string): RecordSet[] {
  const aliases = records.filter((r) => r.type === "A" || r.type === "AAAA");
  const a = aliases.find((r) => r.type === "A");
  const wrong = aliases.filter((r) => r.alias?.dnsName !== holder.domainName);
  if (!a || wrong.length > 0) {
    throw new DevctlError(
      "OPERATION_FAILED",
      `${host}'s ${a ? wrong.map((r) => r.type).join("/") : "A"} record ${a ? `points at ${wrong.map((r) => r.alias?.dnsName ?? (r.values ?? []).join(",")).join(", ")}` : "is missing"}, not at ${holder.domainName} (the distribution that holds ${host}); nothing was changed`,
      "DNS and CloudFront disagree: put them in step by hand before a cutover (docs/runbooks.md#restore-database-dr)",
    );
  }
  return aliases;
}

/** The target must serve the host's certificate and be fully deployed before it can take the name. */
async function requireReady(edge: EdgeControl, target: DistributionView, host: string, environmentName: string): Promise<void> {
  const names = target.certificateArn ? await edge.certificateNames(target.certificateArn) : [];
  if (!certificateCovers(names, host)) {
    throw new DevctlError(
      "OPERATION_FAILED",
      `${environmentName}'s distribution ${target.id} has no issued certificate for ${host} (it covers: ${names.join(", ") || "nothing"}); CloudFront would refuse the move`,
      `deploy ${environmentName}'s compute layer with this repository's edge (a recovery environment's certificate names its environment's host): devctl up ${environmentName} --layer compute`,
    );
  }
  if (target.status !== "Deployed") {
    throw new DevctlError(
      "OPERATION_FAILED",
      `${environmentName}'s distribution ${target.id} is ${target.status}, not Deployed`,
      "wait until it is Deployed (aws cloudfront get-distribution --id " + target.id + "), then run the command again",
    );
  }
}

/** One step: `run` changes something and hands back how to undo it (undefined: nothing changed). */
interface StepRecord {
  readonly step: string;
  undo?: () => Promise<void>;
}

async function executeCutover(action: ActionContext, plan: CutoverPlan): Promise<DrCutoverResult> {
  const { io, services } = action;
  const { edge, zoneId, host, from, to } = plan;
  const smoke = services.smokeTest ?? recoverySmoke;
  const comment = `devctl dr cutover${plan.direction === "back" ? " --back" : ""} ${plan.environment}: ${host} to ${to.environment}`;
  const done: StepRecord[] = [];
  const steps: { step: string; seconds: number }[] = [];

  /** Applies one atomic batch and returns its undo: the record sets as they were just before. */
  const changeDns = async (record: StepRecord, changes: readonly RecordChange[]): Promise<void> => {
    const before = new Map<string, RecordSet | undefined>();
    for (const change of changes) {
      const k = key(change.record.name, change.record.type);
      if (!before.has(k))
        before.set(
          k,
          (await edge.records(zoneId, change.record.name)).find((r) => r.type === change.record.type),
        );
    }
    const id = await edge.changeRecords(zoneId, comment, changes);
    record.undo = async () => {
      // A record that did not exist goes; its value is read now, as a later step's undo may have rewritten it.
      const inverse: RecordChange[] = [];
      for (const [k, was] of before) {
        const [name = "", type = ""] = k.split(" ");
        const now = (await edge.records(zoneId, name)).find((r) => r.type === type);
        if (was) inverse.push({ action: "UPSERT", record: was });
        else if (now) inverse.push({ action: "DELETE", record: now });
      }
      if (inverse.length > 0) await edge.waitForChange(await edge.changeRecords(zoneId, `undo: ${comment}`, inverse), DNS_SYNC_TIMEOUT_MS);
    };
    await edge.waitForChange(id, DNS_SYNC_TIMEOUT_MS);
  };
  /** Points _<host> at a distribution, so CloudFront lets AssociateAlias move the host name to it. */
  const pointOwnership = (target: Side, record: StepRecord = { step: "ownership" }): Promise<void> =>
    changeDns(record, [{ action: "UPSERT", record: { name: ownershipRecordName(host), type: "TXT", ttl: TXT_TTL, values: [txtValue([target.domainName])] } }]);

  // AssociateAlias changes both distributions: the move is done once both are deployed everywhere.
  const waitForBoth = async (): Promise<void> => {
    await edge.waitForDistribution(to.distributionId, DISTRIBUTION_DEPLOY_TIMEOUT_MS);
    await edge.waitForDistribution(from.distributionId, DISTRIBUTION_DEPLOY_TIMEOUT_MS);
  };
  const plannedSteps: { readonly name: string; readonly run: (record: StepRecord) => Promise<void> }[] = [
    { name: `ownership record ${ownershipRecordName(host)} -> ${to.domainName}`, run: (record) => pointOwnership(to, record) },
    {
      name: `${host} moved to ${to.environment}'s distribution ${to.distributionId}`,
      run: async (record) => {
        await edge.associateAlias(to.distributionId, host);
        record.undo = async () => {
          // CloudFront checks _<host> on the way back too: point it at the source first (step 1's undo then restores it).
          await pointOwnership(from);
          await edge.associateAlias(from.distributionId, host);
          await waitForBoth();
        };
        await waitForBoth();
      },
    },
    {
      name: `DNS ${host} -> ${to.domainName}${plan.direction === "back" ? ", cutover record removed" : ", cutover record written"}`,
      run: async (record) => {
        const current = new Map<string, RecordSet>();
        for (const r of await edge.records(zoneId, ownershipRecordName(host))) current.set(key(r.name, r.type), r);
        await changeDns(record, plan.switchChanges(current));
      },
    },
  ];

  let failure: string | undefined;
  let healthAfter: HealthView | undefined;
  try {
    for (const planned of plannedSteps) {
      const record: StepRecord = { step: planned.name };
      done.push(record);
      const began = services.now();
      io.err(`step ${steps.length + 1}: ${planned.name}...`);
      await planned.run(record);
      steps.push({ step: planned.name, seconds: (services.now().getTime() - began.getTime()) / 1000 });
      io.err(`step ${steps.length}: done in ${elapsed(steps[steps.length - 1]!.seconds * 1000)}`);
    }
    io.err(`checking ${to.environment} through https://${host}...`);
    healthAfter = await health(smoke, `https://${host}`);
    if (!healthAfter.ok) failure = `${to.environment} is not healthy through https://${host}: ${healthAfter.failed.join(", ")}`;
  } catch (error) {
    failure = `step "${done[done.length - 1]?.step ?? "?"}" failed: ${error instanceof Error ? error.message : String(error)}`;
  }

  const rolledBack: string[] = [];
  const rollbackProblems: string[] = [];
  if (failure !== undefined) {
    io.err(`${failure}; undoing the steps taken, newest first`);
    for (const record of [...done].reverse()) {
      if (!record.undo) continue;
      try {
        await record.undo();
        rolledBack.push(record.step);
        io.err(`undone: ${record.step}`);
      } catch (error) {
        rollbackProblems.push(`could not undo "${record.step}": ${error instanceof Error ? error.message : String(error)}`);
      }
    }
  }
  return {
    command: "dr cutover",
    direction: plan.direction,
    environment: plan.environment,
    recoveryEnvironment: plan.recoveryEnvironment,
    host,
    from,
    to,
    outcome: failure === undefined ? "switched" : rollbackProblems.length === 0 ? "rolled-back" : "rollback-incomplete",
    steps,
    healthBefore: plan.healthBefore,
    ...(healthAfter ? { healthAfter } : {}),
    ...(failure !== undefined ? { failure } : {}),
    rolledBack,
    rollbackProblems,
  };
}

export function printCutover(action: ActionContext, json: boolean, r: DrCutoverResult): void {
  printResult(action.io, json, r, () =>
    [
      `${r.outcome === "switched" ? "moved" : "did NOT move"} ${r.host} from ${r.from.environment} (${r.from.distributionId}) to ${r.to.environment} (${r.to.distributionId})`,
      `  before: ${r.to.environment} through ${r.healthBefore.url}: ${r.healthBefore.ok ? "healthy" : "UNHEALTHY"}`,
      ...r.steps.map((s) => `  ${s.step.padEnd(72)} ${elapsed(s.seconds * 1000)}`),
      ...(r.healthAfter
        ? [`  after: ${r.to.environment} through ${r.healthAfter.url}: ${r.healthAfter.ok ? "healthy" : `UNHEALTHY (${r.healthAfter.failed.join(", ")})`}`]
        : []),
      ...(r.failure !== undefined ? [`  failed: ${r.failure}`] : []),
      ...r.rolledBack.map((s) => `  undone: ${s}`),
      ...r.rollbackProblems.map((p) => `  NOT undone: ${p}`),
      ...(r.outcome === "switched" && r.direction === "to-recovery" ? [`  to return: devctl dr cutover ${r.environment} --back`] : []),
      "",
    ].join("\n"),
  );
}

const key = (name: string, type: string): string => `${name} ${type}`;
const side = (environment: string, d: DistributionView): Side => ({ environment, distributionId: d.id, domainName: d.domainName });

async function health(smoke: (url: string) => Promise<SmokeReport>, url: string): Promise<HealthView> {
  const report = await smoke(url);
  return { url, ok: report.ok, failed: report.checks.filter((c) => c.outcome === "failed").map((c) => c.name) };
}

/** The cutover record as a TXT record: one `key=value` string each, readable with dig. */
export function cutoverRecordSet(host: string, record: CutoverRecord): RecordSet {
  const alias = (r: RecordSet): string =>
    `${r.type.toLowerCase()}=${r.alias?.hostedZoneId ?? ""} ${r.alias?.dnsName ?? ""} ${String(r.alias?.evaluateTargetHealth ?? false)}`;
  const strings = [
    MARKER_TAG,
    `environment=${record.environment}`,
    `recovery=${record.recoveryEnvironment}`,
    `at=${record.at}`,
    `from=${record.from.distributionId} ${record.from.domainName}`,
    `to=${record.to.distributionId} ${record.to.domainName}`,
    ...record.previous.map(alias),
    ...record.ownership.map((value) => `ownership=${encodeURIComponent(value)}`),
    ...(record.ownershipTtl !== undefined ? [`ownership-ttl=${record.ownershipTtl}`] : []),
  ];
  return { name: cutoverRecordName(host), type: "TXT", ttl: TXT_TTL, values: [txtValue(strings)] };
}

/** Reads a cutover record back; anything devctl did not write is refused rather than guessed at. */
export function parseCutoverRecord(set: RecordSet, host: string): CutoverRecord {
  const strings = (set.values ?? []).flatMap(txtStrings);
  const fields = new Map<string, string[]>();
  for (const s of strings.slice(1)) {
    const at = s.indexOf("=");
    if (at > 0) fields.set(s.slice(0, at), [...(fields.get(s.slice(0, at)) ?? []), s.slice(at + 1)]);
  }
  const one = (name: string): string => {
    const value = fields.get(name)?.[0];
    if (strings[0] !== MARKER_TAG || value === undefined) {
      throw new DevctlError(
        "OPERATION_FAILED",
        `the TXT record ${cutoverRecordName(host)} is not a cutover record this devctl wrote (${strings[0] !== MARKER_TAG ? `it starts "${strings[0] ?? ""}"` : `no ${name}=`})`,
        "compare DNS and the distributions by hand (docs/runbooks.md#restore-database-dr) and remove the record once they agree",
      );
    }
    return value;
  };
  const pair = (name: string) => {
    const [distributionId = "", domainName = ""] = one(name).split(" ");
    return { distributionId, domainName };
  };
  const previous = (["a", "aaaa"] as const).flatMap((type) =>
    (fields.get(type) ?? []).map((value): RecordSet => {
      const [hostedZoneId = "", dnsName = "", evaluate = "false"] = value.split(" ");
      return { name: host, type: type.toUpperCase(), alias: { hostedZoneId, dnsName, evaluateTargetHealth: evaluate === "true" } };
    }),
  );
  return {
    environment: one("environment"),
    recoveryEnvironment: one("recovery"),
    at: one("at"),
    from: pair("from"),
    to: pair("to"),
    previous,
    ownership: (fields.get("ownership") ?? []).map(decodeURIComponent),
    ...(fields.has("ownership-ttl") ? { ownershipTtl: Number(fields.get("ownership-ttl")?.[0]) } : {}),
  };
}

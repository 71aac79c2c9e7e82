/**
 * `devctl dr restore <env>`: brings up <env>-dr in the DR region from <env>'s replicated automated backups,
 * running the image <env> ran at the restore point, smoke-tests it and reports the recovery objectives.
 */
import { recoveryEnvironmentName, type Environment } from "@platform/infra/environment";
import { LAYERS, type Layer } from "@platform/infra/layers";
import { IMAGE_CONFIG_KEY, type StackRef } from "../engine/engine";
import { DevctlError } from "../errors";
import { LedgerClient } from "../ledger/ledger-client";
import type { ReplicatedBackups } from "../services/services";
import { recoverySmoke } from "../smoke/checks";
import { confirmProduction } from "./confirm";
import { elapsed, prepare, printResult, progressFor, type Action, type ActionContext } from "./context";
import { chooseRestorePoint, imageInRegion, imageRunningAt, judgeObjectives, RPO_MINUTES, RTO_MINUTES, type RestorePoint } from "./recovery-point";

/** Stack config of the recovery environment's data layer (stacks/data/index.ts reads them). */
export const RESTORE_FROM_KEY = "platform-data:restoreFrom";
export const RESTORE_TIME_KEY = "platform-data:restoreTime";
/** Set by `devctl dr drill`: the restored copy is destroyed afterwards (stacks/data/index.ts). */
export const DISPOSABLE_KEY = "platform-data:disposable";
/** Set by `devctl dr drill` too: the log buckets and ALB come down after the smoke run wrote logs (stacks/compute/index.ts). */
export const COMPUTE_DISPOSABLE_KEY = "platform-compute:disposable";

export interface DrRestoreOptions {
  readonly environment: string;
  readonly time?: string | undefined;
  readonly latest: boolean;
  /** --region: must be the environment's drRegion (where its backups are); default that. */
  readonly region?: string | undefined;
  readonly yes: boolean;
  readonly json: boolean;
  /** A drill: the copy is made disposable (no deletion protection) so it can be destroyed afterwards. */
  readonly disposable?: boolean;
}

export interface StepTiming {
  readonly step: string;
  readonly seconds: number;
}

export interface DrRestoreResult {
  readonly command: "dr restore";
  readonly environment: string;
  readonly recoveryEnvironment: string;
  readonly region: string;
  readonly source: string;
  readonly restorePoint: string;
  readonly latestRestorableTime: string;
  readonly image: string;
  readonly serviceUrl: string;
  readonly steps: readonly StepTiming[];
  readonly smoke: { readonly ok: boolean; readonly failed: readonly string[] };
  readonly rpoMinutes: number;
  readonly rtoMinutes: number;
  readonly objectivesMet: boolean;
  readonly missed: readonly string[];
}

export const runDrRestore: Action<DrRestoreOptions> = async (options, context) => {
  const action = await prepare(options.environment, context);
  const result = await restoreRecoveryEnvironment(action, options);
  printResult(action.io, options.json, result, () => restoreText(result));
  if (result.missed.length > 0 || !result.smoke.ok) {
    throw new DevctlError(
      "OPERATION_FAILED",
      [...(result.smoke.ok ? [] : [`smoke checks failed against ${result.serviceUrl}: ${result.smoke.failed.join(", ")}`]), ...result.missed].join("; "),
      `${result.recoveryEnvironment} stays up for inspection; see docs/runbooks.md#restore-database-dr for what to do next`,
    );
  }
};

/** The whole restore, returning its report; throws before changing anything when a precondition fails. */
export async function restoreRecoveryEnvironment(action: ActionContext, options: DrRestoreOptions): Promise<DrRestoreResult> {
  return executeRestore(action, options, await planRestore(action, options));
}

/** What a restore will do, once every precondition holds (nothing is changed finding it out). */
export interface RestorePlan {
  readonly recovery: Environment;
  readonly backups: ReplicatedBackups;
  readonly point: RestorePoint;
  readonly image: string;
}

/** Checks every precondition and confirms; throws (changing nothing) when one fails. */
export async function planRestore(action: ActionContext, options: DrRestoreOptions): Promise<RestorePlan> {
  const { io, environment, services } = action;
  const recovery = await recoveryEnvironmentFor(environment, options.region);
  const refOf = (layer: Layer): StackRef => ({ environment: recovery.name, layer });

  const existing = [];
  for (const layer of LAYERS) if (await services.engine.isDeployed(refOf(layer))) existing.push(layer);
  if (existing.length > 0) {
    throw new DevctlError(
      "OPERATION_FAILED",
      `recovery environment ${recovery.name} already exists (deployed layers: ${existing.join(", ")})`,
      `inspect it with devctl status ${recovery.name}, or remove it with devctl destroy ${recovery.name}${recovery.isProduction ? " --force-prod" : ""} before restoring again (a restored database is protected: docs/runbooks.md#restore-database-dr says how to remove it)`,
    );
  }
  if (!services.backups) {
    throw new DevctlError(
      "OPERATION_FAILED",
      "devctl was built without the RDS look-up dr restore needs",
      "run devctl from this repository's build (pnpm devctl)",
    );
  }
  const identifier = (await services.engine.outputs({ environment: environment.name, layer: "data" })).dbInstanceIdentifier;
  if (typeof identifier !== "string" || identifier === "") {
    throw new DevctlError(
      "OPERATION_FAILED",
      `${environment.name}'s data layer has no dbInstanceIdentifier output: there is no database whose backups could be restored`,
      `deploy ${environment.name} first (devctl up ${environment.name})`,
    );
  }
  const backups = await services.backups.replicatedBackups({ region: recovery.awsRegion, sourceRegion: environment.awsRegion, identifier });
  if (!backups) {
    throw new DevctlError(
      "OPERATION_FAILED",
      `no automated backups of ${identifier} are replicated to ${recovery.awsRegion} yet`,
      `deploy ${environment.name}'s data layer (it starts the replication) and wait for the first copy: aws rds describe-db-instance-automated-backups --region ${recovery.awsRegion} --db-instance-identifier ${identifier}`,
    );
  }
  const point = chooseRestorePoint(backups, { time: options.time, latest: options.latest });
  const primaryCompute = { environment: environment.name, layer: "compute" as const };
  const primaryOutputs = await services.engine.outputs(primaryCompute);
  let primaryImage: string;
  try {
    primaryImage = imageRunningAt(await services.engine.history(primaryCompute), primaryOutputs, point.time);
  } catch (error) {
    // A build from source pinned no digest in the stack's history; the ledger recorded every release's.
    const digest = await LedgerClient.fromEnv(io, services.now)?.imageDigestAt(environment.name, point.time);
    const repository = typeof primaryOutputs.ecrRepositoryUrl === "string" ? primaryOutputs.ecrRepositoryUrl : undefined;
    if (digest === undefined || repository === undefined) throw error;
    io.err(`the compute history does not pin the image that ran at ${point.time.toISOString()}; the release ledger says ${digest}`);
    primaryImage = `${repository}@${digest}`;
  }
  const image = imageInRegion(primaryImage, recovery.awsRegion);

  io.err(
    `restoring ${environment.name} into ${recovery.name} (${recovery.awsRegion}) to ${point.latest ? `the latest restorable time (${point.time.toISOString()})` : point.time.toISOString()} from ${backups.arn}; image ${image}`,
  );
  await confirmProduction(recovery, io, {
    yes: options.yes,
    action:
      options.disposable === true
        ? `run a restore drill of ${environment.name} (created, checked, destroyed) in`
        : `restore ${environment.name}'s data and service into`,
  });
  return { recovery, backups, point, image };
}

/** Deploys the recovery environment layer by layer, smoke-tests it and judges the objectives. */
export async function executeRestore(action: ActionContext, options: DrRestoreOptions, plan: RestorePlan): Promise<DrRestoreResult> {
  const { io, environment, services } = action;
  const { recovery, backups, point, image } = plan;
  const refOf = (layer: Layer): StackRef => ({ environment: recovery.name, layer });

  const startedAt = services.now();
  const steps: StepTiming[] = [];
  const timed = async <T>(step: string, run: () => Promise<T>): Promise<T> => {
    const began = services.now();
    io.err(`step ${steps.length + 1}: ${step}...`);
    const value = await run();
    const seconds = (services.now().getTime() - began.getTime()) / 1000;
    steps.push({ step, seconds });
    io.err(`step ${steps.length}: ${step} done in ${elapsed(seconds * 1000)}`);
    return value;
  };
  const up = (layer: Layer) => () =>
    services.engine.up(refOf(layer), { onProgress: progressFor(io, `${recovery.name}/${layer}`), message: `devctl dr restore ${environment.name}` });

  await timed("network", up("network"));
  await services.engine.setConfig(refOf("data"), RESTORE_FROM_KEY, backups.arn);
  // Only a drill's copy is disposable; a real restore (which may take production's traffic) keeps its logs and
  // protection, whatever an earlier drill left in the stacks' config.
  for (const [layer, key] of [
    ["data", DISPOSABLE_KEY],
    ["compute", COMPUTE_DISPOSABLE_KEY],
  ] as const) {
    if (options.disposable === true) await services.engine.setConfig(refOf(layer), key, "true");
    else await services.engine.removeConfig(refOf(layer), key);
  }
  if (point.latest) await services.engine.removeConfig(refOf("data"), RESTORE_TIME_KEY);
  else await services.engine.setConfig(refOf("data"), RESTORE_TIME_KEY, point.time.toISOString());
  await timed("data (database restored, Redis empty)", up("data"));
  await services.engine.setConfig(refOf("compute"), IMAGE_CONFIG_KEY, image);
  const compute = await timed("compute", up("compute"));
  const serviceUrl = typeof compute.outputs.serviceUrl === "string" ? compute.outputs.serviceUrl : "";
  const smokeTest = services.smokeTest ?? recoverySmoke;
  const report = await timed("smoke", () => smokeTest(serviceUrl));
  const objectives = judgeObjectives(point, startedAt, services.now());

  return {
    command: "dr restore",
    environment: environment.name,
    recoveryEnvironment: recovery.name,
    region: recovery.awsRegion,
    source: backups.arn,
    restorePoint: point.time.toISOString(),
    latestRestorableTime: backups.latestTime.toISOString(),
    image,
    serviceUrl,
    steps,
    smoke: { ok: report.ok, failed: report.checks.filter((c) => c.outcome === "failed").map((c) => c.name) },
    rpoMinutes: round(objectives.rpoMinutes),
    rtoMinutes: round(objectives.rtoMinutes),
    objectivesMet: objectives.missed.length === 0,
    missed: objectives.missed,
  };
}

/** <env>-dr, checking --region against where the backups are (the environment's drRegion). */
async function recoveryEnvironmentFor(environment: Environment, region: string | undefined): Promise<Environment> {
  if (region !== undefined && region === environment.awsRegion) {
    throw new DevctlError(
      "USAGE",
      `--region ${region} is ${environment.name}'s own region; a recovery environment must be in another region`,
      `omit --region to use ${environment.name}'s DR region (${environment.drRegion})`,
    );
  }
  if (region !== undefined && region !== environment.drRegion) {
    throw new DevctlError(
      "USAGE",
      `--region ${region} is not ${environment.name}'s DR region (${environment.drRegion}), where its backups and image are replicated`,
      `omit --region, or change platform:drRegion in Pulumi.${environment.name}.yaml and deploy ${environment.name} so the copies exist there`,
    );
  }
  const { loadEnvironment } = await import("@platform/infra/environment");
  return loadEnvironment(recoveryEnvironmentName(environment.name));
}

const round = (n: number): number => Math.round(n * 10) / 10;

export function restoreText(r: DrRestoreResult): string {
  return [
    `restored ${r.environment} into ${r.recoveryEnvironment} (${r.region}): ${r.serviceUrl}`,
    ...r.steps.map((s) => `  ${s.step.padEnd(40)} ${elapsed(s.seconds * 1000)}`),
    `  restore point ${r.restorePoint} (latest restorable ${r.latestRestorableTime}), image ${r.image}`,
    `  RPO ${r.rpoMinutes} min (objective ${RPO_MINUTES}), RTO ${r.rtoMinutes} min (objective ${RTO_MINUTES}): ${r.objectivesMet ? "met" : "MISSED"}`,
    `  smoke: ${r.smoke.ok ? "passed" : `FAILED (${r.smoke.failed.join(", ")})`}`,
    "",
  ].join("\n");
}

import type { AlarmRef } from "@platform/infra/layers";
import { DevctlError } from "../errors";
import type { StackOutputs, StackRef, UpdateOutcome, UpdateRecord } from "../engine/engine";
import { LedgerClient, releaseVersion, type ReleaseFinalStatus } from "../ledger/ledger-client";
import { withBackup } from "./backup";
import { bakeThenCheck } from "./bake";
import { progressFor, type ActionContext } from "./context";
import type { ReleaseOutcome, ReleaseRequest } from "./release";

/** The version the alias sends its main share to; devctl moves it once a canary passed. */
export const LAMBDA_LIVE_VERSION_KEY = "platform-compute:lambdaLiveVersion";
/** The version on trial while a canary runs; unset otherwise. */
export const LAMBDA_CANARY_VERSION_KEY = "platform-compute:lambdaCanaryVersion";
/** The code archive the compute layer deploys (default service/dist/lambda/api.zip). */
export const LAMBDA_ARCHIVE_KEY = "platform-compute:lambdaArchive";

interface LambdaState {
  readonly functionName: string;
  readonly liveVersion: string;
  readonly publishedVersion: string;
}

/** The compute output `lambda`, when the layer runs on Lambda and its versions are numbers. */
export function lambdaStateOf(outputs: StackOutputs): LambdaState | undefined {
  const lambda = outputs.lambda as Partial<Record<keyof LambdaState, unknown>> | null | undefined;
  if (!lambda || typeof lambda.functionName !== "string" || typeof lambda.liveVersion !== "string" || typeof lambda.publishedVersion !== "string")
    return undefined;
  return { functionName: lambda.functionName, liveVersion: lambda.liveVersion, publishedVersion: lambda.publishedVersion };
}

const isVersion = (v: string | undefined): v is string => v !== undefined && /^\d+$/.test(v);

/** The deployment alarms with their regions, from the compute outputs `alarms` and `deploymentAlarmNames`. */
function deploymentAlarms(outputs: StackOutputs): AlarmRef[] {
  const names = new Set(Array.isArray(outputs.deploymentAlarmNames) ? (outputs.deploymentAlarmNames as unknown[]) : []);
  return (Array.isArray(outputs.alarms) ? (outputs.alarms as AlarmRef[]) : []).filter((a) => names.has(a.name));
}

/**
 * A release on the lambda platform. The compute layer publishes a numbered version on every code change and
 * serves the `live` alias; devctl moves the alias, in up to three updates of the compute layer:
 *  1. publish: the new code becomes version P, the alias stays on the live version L;
 *  2. canary (canary/linear environments with a live version): P takes the canary's share, for
 *     deploymentBakeMinutes, and the deployment alarms (the same as on ECS) decide;
 *  3. P becomes live, or the canary is withdrawn and L keeps everything (DEPLOYMENT_ROLLED_BACK).
 * A first deploy, a rolling environment, a rollback (request.settings name the version) and an unchanged archive
 * move the alias at once. The stack's history records each step's versions; the ledger the code's digest.
 */
export async function releaseLambda(context: ActionContext, request: ReleaseRequest): Promise<ReleaseOutcome> {
  const { io, environment, services } = context;
  const { engine } = services;
  const ref: StackRef = { environment: environment.name, layer: "compute" };
  const live = lambdaStateOf(await engine.outputs(ref))?.liveVersion;
  const canaryWanted = request.action !== "rollback" && environment.deployment.strategy !== "rolling" && isVersion(live);

  for (const [key, value] of Object.entries(request.settings ?? {})) await engine.setConfig(ref, key, value);
  if (request.archive !== undefined) await engine.setConfig(ref, LAMBDA_ARCHIVE_KEY, request.archive);
  await engine.removeConfig(ref, LAMBDA_CANARY_VERSION_KEY);
  // A canary keeps traffic on the live version while publishing; otherwise the new version takes it at once.
  if (canaryWanted) await engine.setConfig(ref, LAMBDA_LIVE_VERSION_KEY, live);
  else if (request.action !== "rollback") await engine.removeConfig(ref, LAMBDA_LIVE_VERSION_KEY);

  const ledger = LedgerClient.fromEnv(io, services.now);
  let releaseId: string | undefined;
  const finishLedger = (status: ReleaseFinalStatus) => ledger?.finish(releaseId, status) ?? Promise.resolve();
  const up = (message: string, label: string) => engine.up(ref, { message, onProgress: progressFor(io, `${environment.name}/compute ${label}`) });

  let update: UpdateOutcome;
  let backup: string;
  try {
    ({ result: update, backup } = await withBackup(services, io, ref, () => up(request.message, "publish")));
  } catch (error) {
    await finishLedger("failed");
    throw error;
  }
  const imageDigest = typeof update.outputs.imageDigest === "string" && update.outputs.imageDigest !== "" ? update.outputs.imageDigest : undefined;
  const commitSha = await services.commitSha();
  if (ledger && imageDigest && commitSha) {
    releaseId = await ledger.start({ environment: environment.name, version: releaseVersion(commitSha, imageDigest), imageDigest, commitSha });
  }
  const published = lambdaStateOf(update.outputs);
  if (!published) {
    await finishLedger("succeeded");
    io.err(`warning: the compute layer of ${environment.name} exports no lambda versions; not moving the alias`);
    return { update, backup, imageDigest, deployment: "not-watched" };
  }
  const { functionName, publishedVersion: candidate } = published;
  if (!canaryWanted || candidate === live) {
    await finishLedger("succeeded");
    io.err(`alias live of ${functionName} serves version ${published.liveVersion}${candidate === live ? " (the code did not change)" : ""}`);
    return { update, backup, imageDigest, deployment: "completed" };
  }

  const percent = environment.deployment.strategy === "canary" ? environment.deployment.canaryPercent : environment.deployment.linearStepPercent;
  const minutes = environment.deployment.bakeMinutes;
  await engine.setConfig(ref, LAMBDA_CANARY_VERSION_KEY, candidate);
  update = await up(`devctl canary: version ${candidate} takes ${percent}% of ${functionName}, version ${live} the rest`, "canary");
  io.err(`canary: version ${candidate} takes ${percent}% of requests, version ${live} the rest; baking ${minutes} minute(s)`);
  const soak = await bakeThenCheck(services, deploymentAlarms(update.outputs), minutes);

  await engine.removeConfig(ref, LAMBDA_CANARY_VERSION_KEY);
  if (soak.ok) {
    await engine.setConfig(ref, LAMBDA_LIVE_VERSION_KEY, candidate);
    update = await up(`devctl promote canary: version ${candidate} of ${functionName} is live`, "live");
    await finishLedger("succeeded");
    io.err(`canary passed: version ${candidate} of ${functionName} is live`);
    return { update, backup, imageDigest, deployment: "completed" };
  }
  update = await up(`devctl reconcile: canary version ${candidate} of ${functionName} withdrawn; version ${live} keeps all traffic`, "withdraw");
  const logGroup = typeof update.outputs.logGroupName === "string" ? update.outputs.logGroupName : "its log group";
  await finishLedger("rolled_back");
  throw new DevctlError(
    "DEPLOYMENT_ROLLED_BACK",
    `the canary of version ${candidate} failed its deployment alarms, so it was withdrawn and version ${live} keeps all traffic:\n${soak.problems.map((p) => `  - ${p}`).join("\n")}`,
    `look at the alarms, the function's log (${logGroup}) and the API's access log; fix the release and deploy again`,
  );
}

const WITHDRAWN = /^devctl reconcile: canary version (\d+) /;

/**
 * The version to roll a lambda environment back to: the newest succeeded update whose live version differs from
 * the one serving now and was never a withdrawn canary, or the one `--to` names (a history release number).
 * Versions are immutable, so rolling back moves the alias only: no code is rebuilt or republished.
 */
export function chooseLambdaRollbackTarget(
  history: readonly UpdateRecord[],
  currentLive: string | undefined,
  to?: string,
): { record: UpdateRecord; version: string } {
  const withdrawn = new Set(history.map((u) => WITHDRAWN.exec(u.message)?.[1]).filter((v): v is string => v !== undefined));
  const usable = (u: UpdateRecord) =>
    u.kind === "update" && u.result === "succeeded" && isVersion(u.config[LAMBDA_LIVE_VERSION_KEY]) && !withdrawn.has(u.config[LAMBDA_LIVE_VERSION_KEY] ?? "");
  if (to !== undefined) {
    const found = /^\d+$/.test(to.trim()) ? history.find((u) => u.version === Number(to.trim())) : undefined;
    if (!found || !usable(found)) {
      throw new DevctlError(
        "USAGE",
        `release "${to}" of the compute stack named no live Lambda version`,
        "run devctl history <env> and pass the number of a succeeded release whose settings show platform-compute:lambdaLiveVersion",
      );
    }
    return { record: found, version: found.config[LAMBDA_LIVE_VERSION_KEY]! };
  }
  const found = history.find((u) => usable(u) && u.config[LAMBDA_LIVE_VERSION_KEY] !== currentLive);
  if (!found) {
    throw new DevctlError(
      "OPERATION_FAILED",
      "no earlier live version to roll back to: no succeeded update in the compute stack's history made another version live",
      "run devctl history <env> to see the updates; roll forward with devctl up",
    );
  }
  return { record: found, version: found.config[LAMBDA_LIVE_VERSION_KEY]! };
}

/** Where `pnpm --filter @platform/service bundle:lambda` writes the archive (infra's API_ARCHIVE_PATH). */
export const LAMBDA_ARCHIVE_PATH = "service/dist/lambda/api.zip";

/**
 * The archive to promote: the one in this checkout, provided it is byte for byte the code the source runs. The
 * bundle is reproducible, so the same commit gives the same SHA-256; anything else is refused, not deployed.
 */
export async function archiveRunningIn(source: string, sourceOutputs: StackOutputs, repositoryRoot: string): Promise<{ archive: string; digest: string }> {
  const { createHash } = await import("node:crypto");
  const { readFile } = await import("node:fs/promises");
  const path = await import("node:path");
  if (sourceOutputs.platform !== "lambda") {
    throw new DevctlError(
      "USAGE",
      `${source} does not run on Lambda (its compute platform is ${JSON.stringify(sourceOutputs.platform ?? "ecs")}), so it has no function code to promote`,
      "promote from a lambda environment, or deploy this one with devctl up",
    );
  }
  const wanted = sourceOutputs.imageDigest;
  if (typeof wanted !== "string" || !/^sha256:[0-9a-f]{64}$/.test(wanted)) {
    throw new DevctlError(
      "OPERATION_FAILED",
      `${source} reports no code digest (compute output imageDigest is ${JSON.stringify(wanted ?? null)})`,
      `deploy ${source} first: devctl up ${source}`,
    );
  }
  const archive = path.join(repositoryRoot, LAMBDA_ARCHIVE_PATH);
  const bytes = await readFile(archive).catch(() => undefined);
  const bundle = "pnpm --filter @platform/service bundle:lambda";
  if (!bytes)
    throw new DevctlError(
      "OPERATION_FAILED",
      `no Lambda archive at ${LAMBDA_ARCHIVE_PATH}`,
      `check out the commit ${source} runs (devctl history ${source}) and run ${bundle}`,
    );
  const digest = `sha256:${createHash("sha256").update(bytes).digest("hex")}`;
  if (digest !== wanted) {
    throw new DevctlError(
      "OPERATION_FAILED",
      `the archive here (${digest}) is not the code ${source} runs (${wanted})`,
      `check out the commit ${source} runs (devctl history ${source}) and run ${bundle}; the same commit bundles to the same bytes`,
    );
  }
  return { archive: LAMBDA_ARCHIVE_PATH, digest };
}

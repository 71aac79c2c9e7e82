import { DevctlError } from "../errors";
import { IMAGE_CONFIG_KEY, type Engine, type StackRef, type UpdateOutcome } from "../engine/engine";
import { LedgerClient, releaseVersion, type ReleaseFinalStatus } from "../ledger/ledger-client";
import { ECS_WORDS, type DeploymentResult, type TrafficReport } from "../services/services";
import { withBackup } from "./backup";
import { releaseLambda } from "./lambda-release";
import { guardMigrationWeights } from "./migration-state";
import { reconcileMessage } from "./rollback-target";
import { progressFor, type ActionContext } from "./context";

export type ReleaseAction = "up" | "promote" | "rollback";

export interface ReleaseRequest {
  readonly action: ReleaseAction;
  /** The image to pin (`<repo>@sha256:…`); null clears the pin so the layer builds from source; undefined keeps it. */
  readonly image: string | null | undefined;
  /** Further compute stack config to set first (rollback restores the release's settings). */
  readonly settings?: Readonly<Record<string, string>>;
  /** Attached to the update in the stack's history. */
  readonly message: string;
  /** lambda: the code archive to deploy (platform-compute:lambdaArchive); undefined keeps the stack's. */
  readonly archive?: string;
}

export interface ReleaseOutcome {
  readonly update: UpdateOutcome;
  readonly backup: string;
  readonly imageRef?: string;
  readonly imageDigest?: string;
  /** How the ECS rollout ended; "not-watched" when the compute layer exports no cluster/service yet. */
  readonly deployment: "completed" | "not-watched";
}

const IMAGE_REF = /^[^@\s]+@(sha256:[0-9a-f]{64})$/;

/** The digest part of `<repository>@sha256:<hex>`, or undefined when the ref is not pinned by digest. */
export function digestOf(imageRef: unknown): string | undefined {
  return typeof imageRef === "string" ? IMAGE_REF.exec(imageRef)?.[1] : undefined;
}

/**
 * The image an environment's compute layer runs, pinned by digest, read from its stack's state (the output
 * imageRef): the release pin every checkout sees, unlike the git-ignored stack config file.
 */
export async function runningImage(engine: Engine, environment: string): Promise<string | undefined> {
  const running = (await engine.outputs({ environment, layer: "compute" })).imageRef;
  return digestOf(running) ? String(running) : undefined;
}

/**
 * The image `devctl up <env>` (no image flags) deploys: production keeps the running image, other
 * environments build from source (undefined). Preview passes the same, so it shows what up would do.
 */
export async function imageUpWouldPin(engine: Engine, environment: { readonly name: string; readonly isProduction: boolean }): Promise<string | undefined> {
  return environment.isProduction ? runningImage(engine, environment.name) : undefined;
}

/**
 * Updates the compute layer and waits for ECS to finish rolling it out. When ECS fails the rollout or
 * rolls it back, devctl pins the image that was running before and updates the stack again, so Pulumi's
 * state matches what runs, then fails with DEPLOYMENT_ROLLED_BACK. Records the release in the ledger.
 */
export async function releaseCompute(context: ActionContext, request: ReleaseRequest): Promise<ReleaseOutcome> {
  // Lambda has no rollout to watch: devctl moves the function's alias itself.
  if (context.environment.compute.platform === "lambda") return releaseLambda(context, request);
  await guardMigrationWeights(context, `devctl ${request.action} ${context.environment.name}`);
  const { io, environment, services } = context;
  const { engine } = services;
  const ref: StackRef = { environment: environment.name, layer: "compute" };
  const before = await engine.outputs(ref);
  const lastGoodImage = digestOf(before.imageRef) ? String(before.imageRef) : undefined;

  for (const [key, value] of Object.entries(request.settings ?? {})) await engine.setConfig(ref, key, value);
  if (request.image === null) await engine.removeConfig(ref, IMAGE_CONFIG_KEY);
  else if (request.image !== undefined) await engine.setConfig(ref, IMAGE_CONFIG_KEY, request.image);

  const ledger = LedgerClient.fromEnv(io, services.now);
  let releaseId: string | undefined;
  const startLedger = async (imageDigest: string | undefined): Promise<void> => {
    if (!ledger) return;
    const commitSha = await services.commitSha();
    if (!imageDigest || !commitSha) {
      io.err(
        `warning: not recording this release in the ledger: ${!imageDigest ? "no image digest is known" : "the commit is unknown (set GITHUB_SHA or run inside the git checkout)"}`,
      );
      return;
    }
    releaseId = await ledger.start({ environment: environment.name, version: releaseVersion(commitSha, imageDigest), imageDigest, commitSha });
  };
  const finishLedger = async (status: ReleaseFinalStatus): Promise<void> => {
    await ledger?.finish(releaseId, status);
  };

  // A pinned image is known before the update; one built from source only after it.
  const knownDigest = request.image ? digestOf(request.image) : undefined;
  if (knownDigest) await startLedger(knownDigest);

  let update: UpdateOutcome;
  let backup: string;
  try {
    ({ result: update, backup } = await withBackup(services, io, ref, () =>
      engine.up(ref, { message: request.message, onProgress: progressFor(io, `${environment.name}/compute`) }),
    ));
  } catch (error) {
    await finishLedger("failed");
    throw error;
  }
  const imageRef = typeof update.outputs.imageRef === "string" ? update.outputs.imageRef : undefined;
  const imageDigest = digestOf(imageRef) ?? (typeof update.outputs.imageDigest === "string" ? update.outputs.imageDigest : undefined);
  if (!knownDigest) await startLedger(imageDigest);

  const cluster = update.outputs.clusterName;
  const service = update.outputs.serviceName;
  if (typeof cluster !== "string" || typeof service !== "string") {
    io.err(`warning: the compute layer of ${environment.name} exports no clusterName/serviceName; not waiting for an ECS deployment`);
    await finishLedger("succeeded");
    return { update, backup, imageRef, imageDigest, deployment: "not-watched" };
  }

  const words = services.deployments.words ?? ECS_WORDS;
  io.err(`waiting for the ${words.rollout} of ${service} in ${cluster} to finish`);
  let result: DeploymentResult;
  try {
    result = await services.deployments.waitForDeployment(
      { region: environment.awsRegion, cluster, service },
      { onProgress: progressFor(io, `${environment.name}/${words.tag}`) },
    );
  } catch (error) {
    await finishLedger("failed");
    throw error;
  }
  if (result.state === "COMPLETED") {
    await finishLedger("succeeded");
    io.err(`${words.rollout} of ${service} completed`);
    for (const line of trafficLines(result.traffic)) io.err(line);
    return { update, backup, imageRef, imageDigest, deployment: "completed" };
  }

  await finishLedger("rolled_back");
  const what = `${words.controller} ${result.state === "ROLLED_BACK" ? "rolled back" : "failed"} the deployment of ${imageRef ?? "the new image"} to ${environment.name} (${result.reason})`;
  if (!lastGoodImage) {
    throw new DevctlError(
      "DEPLOYMENT_ROLLED_BACK",
      `${what}; there is no earlier image pinned by digest to put back, so the compute stack still names the failed image`,
      `look at ${words.lookAt} and the logs, fix the release, then run devctl up ${environment.name} --layer compute`,
    );
  }
  io.err(`${what}; putting the compute stack back to ${lastGoodImage} so its state matches what runs`);
  await engine.setConfig(ref, IMAGE_CONFIG_KEY, lastGoodImage);
  await engine.up(ref, {
    message: reconcileMessage(imageRef ?? "unknown", lastGoodImage),
    onProgress: progressFor(io, `${environment.name}/compute reconcile`),
  });
  throw new DevctlError(
    "DEPLOYMENT_ROLLED_BACK",
    `${what}; the compute stack now pins the last good image ${lastGoodImage} again`,
    `look at ${words.lookAt}, the logs and the deployment alarms; fix the release and deploy again`,
  );
}

/**
 * What to say about the target groups after a completed deployment. With two (canary, linear) each release
 * must move traffic to the other one; if it did not, the deployment replaced tasks in place and the next
 * canary has no idle group to bake in (hashicorp/terraform-provider-aws#45678 reports exactly that).
 */
export function trafficLines(traffic: TrafficReport | undefined): string[] {
  if (!traffic?.after) return [];
  const lines = [`traffic: served by ${traffic.after}${traffic.before && traffic.before !== traffic.after ? ` (was ${traffic.before})` : ""}`];
  if (traffic.targetGroupCount >= 2 && traffic.before === traffic.after) {
    lines.push(
      `warning: traffic did not move: ${traffic.after} served before and after this deployment, so the target groups did not alternate; ` +
        "verify before the next release (docs/runbooks.md#canary-target-groups)",
    );
  }
  return lines;
}

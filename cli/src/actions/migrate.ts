import {
  ECS_TARGET_GROUP_ROLES,
  MIGRATION_ECS_TARGET_GROUP_KEY,
  MIGRATION_PHASE_KEY,
  MIGRATION_WEIGHT_KEY,
  type EcsTargetGroupRole,
} from "@platform/infra/environment";
import { DevctlError } from "../errors";
import { IMAGE_CONFIG_KEY, type StackOutputs, type StackRef } from "../engine/engine";
import { withBackup } from "./backup";
import { bakeThenCheck } from "./bake";
import { confirmProduction } from "./confirm";
import { prepare, printResult, progressFor, type ActionContext, type Action } from "./context";
import { alarmRefsOf } from "./promote";
import { deployedMigrationSettings, setMigrationSettings } from "./migration-state";
import { runningImage } from "./release";

/** The container platforms an environment can move between without downtime. */
export type MigrationPlatform = "ecs" | "eks";

/** EKS's percent of the requests at each step when --steps is not given. */
export const DEFAULT_MIGRATION_STEPS: readonly number[] = [10, 50, 100];

export interface MigrateRequest {
  readonly to: MigrationPlatform;
  /** Move the requests back towards the old platform, step by step, instead of forward. */
  readonly back: boolean;
  readonly yes: boolean;
  /** EKS's percent at each step, rising, the last 100 (see parseMigrationSteps). Default DEFAULT_MIGRATION_STEPS. */
  readonly steps?: readonly number[];
}

/**
 * Where a migration stands: the new platform's percent of the requests, or drained (100 % and the old platform
 * at zero copies). `undefined` percent: no weight set yet, the old platform's delivery owns the listener rule.
 */
export interface MigrationPosition {
  readonly percent: number | undefined;
  readonly drained: boolean;
}

export interface MigrationReport {
  readonly environment: string;
  readonly from: string;
  readonly to: MigrationPlatform;
  /** The new platform's percent of the requests now (0 while the old platform's delivery owns the rule). */
  readonly percent: number;
  /** The old platform runs no copies. */
  readonly drained: boolean;
  /** The updates this run made, in order (a step undone after its alarms fired is listed, then its undoing). */
  readonly steps: readonly { readonly percent: number; readonly drained: boolean; readonly message: string }[];
  /** The change that takes the migration further, which devctl cannot make (a reviewed environment file). */
  readonly next: string;
}

/**
 * `--steps` as EKS's percent at each step: whole numbers 1-100, rising, the last 100 (the drain needs all the
 * requests on EKS first). Errors name the flag and what is allowed.
 */
export function parseMigrationSteps(text: string): number[] {
  const parts = text.split(",").map((p) => p.trim());
  const steps = parts.map(Number);
  const bad = parts.find((p, i) => !/^\d+$/.test(p) || steps[i]! < 1 || steps[i]! > 100);
  const problem =
    bad !== undefined
      ? `${JSON.stringify(bad)} is not a whole number from 1 to 100`
      : steps.some((s, i) => i > 0 && s <= steps[i - 1]!)
        ? "the steps must rise"
        : steps.at(-1) !== 100
          ? "the last step must be 100 (ECS is drained only once EKS takes every request)"
          : undefined;
  if (problem) {
    throw new DevctlError("USAGE", `--steps ${text}: ${problem}`, "give EKS's percent at each step, rising to 100, e.g. --steps 10,50,100");
  }
  return steps;
}

/** The stops of a migration from one end to the other, as positions. */
function stops(steps: readonly number[]): MigrationPosition[] {
  return [{ percent: 0, drained: false }, ...steps.map((percent) => ({ percent, drained: false })), { percent: 100, drained: true }];
}

/** Orders positions: ECS's delivery owning the rule, then 0 % ... 100 %, then drained. */
const rank = (p: MigrationPosition) => (p.drained ? 101 : (p.percent ?? -1));

const say = (p: MigrationPosition, from: string, to: string) =>
  p.drained
    ? `${to} serves alone, ${from} drained`
    : p.percent === undefined
      ? `${from} serves alone`
      : `${to} takes ${p.percent}%, ${from} ${100 - p.percent}%`;

/**
 * Moves an environment's requests from ECS to EKS through the production listener rule's weights
 * (platform-compute:migrationWeight), one step at a time (default 10 %, 50 %, 100 %), then drains ECS
 * (platform-compute:migrationPhase). Each step is one update of the compute layer (a state backup first), then a
 * bake of deploymentBakeMinutes and the soak gate `promote` uses on every alarm of the environment. An alarm stops
 * the walk: the weight goes back to the last step that passed (0 % on the first) and devctl exits 1
 * (DEPLOYMENT_ROLLED_BACK), saying how to resume. `--back` walks the same stops the other way; at 0 % it hands the
 * rule back to ECS's delivery. Removing ECS is a reviewed change of the environment file (computePlatform), then
 * devctl up.
 */
export async function migrate(context: ActionContext, request: MigrateRequest): Promise<MigrationReport> {
  const { io, environment, services } = context;
  const { engine } = services;
  const from = environment.compute.platform;
  const file = `Pulumi.${environment.name}.yaml`;
  if (environment.compute.migrateTo !== request.to) {
    throw new DevctlError(
      "USAGE",
      from === request.to && environment.compute.migrateTo === "none"
        ? `${environment.name} already runs on ${request.to}`
        : `${environment.name} is not migrating to ${request.to} (computePlatform ${from}, computeMigrateTo ${environment.compute.migrateTo})`,
      `start a migration with a reviewed change to ${file}: computeMigrateTo: ${request.to}; deploy it (devctl up ${environment.name}) or run devctl migrate again`,
    );
  }
  const steps = request.steps ?? DEFAULT_MIGRATION_STEPS;
  const ref: StackRef = { environment: environment.name, layer: "compute" };
  // Where the requests stand is what was last deployed, not this checkout's (git-ignored) stack config; an ECS
  // group set by hand before the first step (docs/runbooks.md#migrate-platform) is kept.
  const deployed = await deployedMigrationSettings(engine, ref);
  const handSetGroup = deployed[MIGRATION_WEIGHT_KEY] === undefined ? await engine.getConfig(ref, MIGRATION_ECS_TARGET_GROUP_KEY) : undefined;
  await setMigrationSettings(engine, ref, { ...deployed, ...(handSetGroup ? { [MIGRATION_ECS_TARGET_GROUP_KEY]: handSetGroup } : {}) });
  const weight = deployed[MIGRATION_WEIGHT_KEY];
  const current: MigrationPosition = { percent: weight === undefined ? undefined : Number(weight), drained: deployed[MIGRATION_PHASE_KEY] === "drained" };
  const stepsFlag = request.steps && request.steps.join(",") !== DEFAULT_MIGRATION_STEPS.join(",") ? ` --steps ${request.steps.join(",")}` : "";
  const command = `devctl migrate ${environment.name} --to ${request.to}${stepsFlag}`;
  const finish = `finish with a reviewed change to ${file}: computePlatform: ${request.to} and remove computeMigrateTo, then devctl up ${environment.name} (removes ${from}; the origin and its blue target group are kept)`;
  const remove = `to end the migration, remove computeMigrateTo from ${file} and devctl up ${environment.name} (removes ${request.to})`;
  const done: { percent: number; drained: boolean; message: string }[] = [];
  const report = (at: MigrationPosition, next: string): MigrationReport => ({
    environment: environment.name,
    from,
    to: request.to,
    percent: at.percent ?? 0,
    drained: at.drained,
    steps: done,
    next,
  });

  const route = request.back
    ? stops(steps)
        .filter((p) => rank(p) < rank(current))
        .reverse()
    : stops(steps).filter((p) => rank(p) > rank(current));
  const handBack = request.back && current.percent === 0 && !current.drained;
  if (route.length === 0 && !handBack) {
    io.err(`${environment.name}: ${say(current, from, request.to)}; nothing to move ${request.back ? "back" : "forward"}`);
    return report(current, request.back ? remove : finish);
  }
  await confirmProduction(environment, io, {
    yes: request.yes,
    action: `migrate (${request.back ? `move requests back to ${from}` : `move requests to ${request.to}`}: ${route.map((p) => (p.drained ? "drain" : `${p.percent}%`)).join(", ")})`,
  });
  if (current.percent === undefined) await recordServingGroup(context, ref);
  await pinRunningImage(context, ref);

  const apply = async (to: MigrationPosition, message: string): Promise<StackOutputs> => {
    await engine.setConfig(ref, MIGRATION_WEIGHT_KEY, String(to.percent));
    if (to.drained) await engine.setConfig(ref, MIGRATION_PHASE_KEY, "drained");
    else await engine.removeConfig(ref, MIGRATION_PHASE_KEY);
    const label = to.drained ? "drained" : `${to.percent}%`;
    const { result } = await withBackup(services, io, ref, () =>
      engine.up(ref, { message, onProgress: progressFor(io, `${environment.name}/compute ${label}`) }),
    );
    done.push({ percent: to.percent!, drained: to.drained, message });
    return result.outputs;
  };

  let good = current;
  for (const stop of route) {
    const outputs = await apply(stop, `${command}${request.back ? " --back" : ""}: ${say(stop, from, request.to)}`);
    const alarms = alarmRefsOf(outputs.alarms);
    if (alarms.length === 0) {
      throw new DevctlError(
        "OPERATION_FAILED",
        `${environment.name} exports no alarms with their regions (compute output alarms), so no step can be gated; stopped at ${say(stop, from, request.to)}`,
        `redeploy its compute layer (devctl up ${environment.name} --layer compute), then run ${command}${request.back ? " --back" : ""} again`,
      );
    }
    const minutes = environment.deployment.bakeMinutes;
    io.err(`${environment.name}: ${say(stop, from, request.to)}; holding ${alarms.length} alarm(s) OK for ${minutes} minute(s)`);
    const soak = await bakeThenCheck(services, alarms, minutes);
    if (!soak.ok && !request.back && stop.percent === 0) {
      throw new DevctlError(
        "OPERATION_FAILED",
        `the alarms of ${environment.name} are not OK with ${request.to} deployed beside ${from} at 0%, so no requests were moved:\n${soak.problems.map((p) => `  - ${p}`).join("\n")}`,
        `look at the alarms first (${request.to} takes no requests yet); once they are OK, resume with ${command}, or ${remove}`,
      );
    }
    if (!soak.ok) {
      // The last position that held (a walk forward starts at 0 %, a walk back from a weight, so it has one).
      const safe: MigrationPosition = good.percent === undefined ? { percent: 0, drained: false } : good;
      await apply(safe, `${command}: alarms at ${say(stop, from, request.to)}; back to ${say(safe, from, request.to)}`);
      io.err(`${environment.name}: put back to ${say(safe, from, request.to)}`);
      throw new DevctlError(
        "DEPLOYMENT_ROLLED_BACK",
        `${say(stop, from, request.to)} failed the alarms, so the requests were put back to ${say(safe, from, request.to)}:\n${soak.problems.map((p) => `  - ${p}`).join("\n")}`,
        `look at the alarms and ${stop.drained || !request.back ? request.to : from}'s workload; once fixed, resume with ${command}${request.back ? " --back" : ""}`,
      );
    }
    good = stop;
  }

  if (request.back && good.percent === 0) {
    // 0 % declared the rule with ECS alone; this update hands it back to ECS's delivery and changes nothing that
    // runs, but records in the stack's history that no weight is held any more.
    await setMigrationSettings(engine, ref, {});
    const message = `${command} --back: ${from}'s delivery owns the listener rule again`;
    await withBackup(services, io, ref, () => engine.up(ref, { message, onProgress: progressFor(io, `${environment.name}/compute hand back`) }));
    done.push({ percent: 0, drained: false, message });
    io.err(`${environment.name}: ${from} takes every request again; its delivery owns the listener rule`);
    return report({ percent: undefined, drained: false }, remove);
  }
  io.err(`${environment.name}: ${say(good, from, request.to)}${good.drained ? `; ${from} can come back with ${command} --back` : ""}`);
  return report(good, good.drained ? finish : request.back ? remove : `resume with ${command}`);
}

/**
 * A migration moves requests, it releases nothing: without a pin the compute layer builds the service from source
 * (staging), and with a stale pin in this checkout's stack config it deploys that image; either would start an ECS
 * deployment and a Rollout under the steps being judged. So the image that runs (from the state) is pinned.
 */
async function pinRunningImage(context: ActionContext, ref: StackRef): Promise<void> {
  const { engine } = context.services;
  const running = await runningImage(engine, context.environment.name);
  if (!running || (await engine.getConfig(ref, IMAGE_CONFIG_KEY)) === running) return;
  await engine.setConfig(ref, IMAGE_CONFIG_KEY, running);
  context.io.err(`${context.environment.name}: pinned the running image ${running}, so the migration's updates release no new code`);
}

/**
 * Before Pulumi takes the production rule's weights over: with canary or linear delivery, ECS serves from blue or
 * green, whichever its last release left traffic on. That group keeps ECS's share (MIGRATION_ECS_TARGET_GROUP_KEY);
 * a group set by hand is kept.
 */
async function recordServingGroup(context: ActionContext, ref: StackRef): Promise<void> {
  const { environment, services } = context;
  if (environment.deployment.strategy === "rolling") return;
  if ((await services.engine.getConfig(ref, MIGRATION_ECS_TARGET_GROUP_KEY)) !== undefined) return;
  const outputs = await services.engine.outputs(ref);
  const groups = Array.isArray(outputs.targetGroupArns) ? (outputs.targetGroupArns as unknown[]) : [];
  const cluster = outputs.clusterName;
  const service = outputs.serviceName;
  const view =
    services.traffic && typeof cluster === "string" && typeof service === "string"
      ? await services.traffic({ region: environment.awsRegion, cluster, service })
      : undefined;
  if (view?.shared) {
    // Mid-release the group that serves now may be the one ECS is about to empty.
    throw new DevctlError(
      "OPERATION_FAILED",
      `an ECS deployment of ${environment.name} is moving requests between its target groups, so devctl cannot take the production rule now`,
      `wait until the release has finished (devctl status ${environment.name}), then run devctl migrate again`,
    );
  }
  const serving = view?.servingTargetGroupArn;
  const index = serving === undefined ? -1 : groups.indexOf(serving);
  const role: EcsTargetGroupRole | undefined = ECS_TARGET_GROUP_ROLES[index];
  if (!role) {
    throw new DevctlError(
      "OPERATION_FAILED",
      `cannot tell which of ${environment.name}'s ECS target groups serves (the production rule forwards to ${serving ?? "nothing devctl could read"}; the compute outputs name ${groups.length} group(s))`,
      `read the rule's weights (docs/runbooks.md#canary-target-groups, step 2), then devctl migrate again after: pulumi config set ${MIGRATION_ECS_TARGET_GROUP_KEY} blue|green --stack ${environment.name} (in stacks/compute)`,
    );
  }
  await services.engine.setConfig(ref, MIGRATION_ECS_TARGET_GROUP_KEY, role);
  context.io.err(`${environment.name}: ECS serves from its ${role} target group, which keeps ECS's share during the migration`);
}

export interface MigrateOptions extends MigrateRequest {
  readonly environment: string;
  readonly json: boolean;
}

export const runMigrate: Action<MigrateOptions> = async (options, context) => {
  const actionContext = await prepare(options.environment, context);
  const report = await migrate(actionContext, options);
  printResult(
    context.io,
    options.json,
    { command: "migrate", ...report },
    () =>
      `${report.environment}: ${report.drained ? `${report.to} serves alone` : `${report.to} takes ${report.percent}% of the requests, ${report.from} ${100 - report.percent}%`}\nnext: ${report.next}\n`,
  );
};

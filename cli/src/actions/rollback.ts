import { IMAGE_CONFIG_KEY, type StackOutputs, type UpdateRecord } from "../engine/engine";
import { confirmProduction } from "./confirm";
import { guardCutover } from "./cutover-guard";
import { prepare, printResult, type Action, type ActionContext } from "./context";
import { chooseLambdaRollbackTarget, LAMBDA_LIVE_VERSION_KEY, lambdaStateOf } from "./lambda-release";
import { releaseCompute } from "./release";
import { chooseRollbackTarget } from "./rollback-target";

export interface RollbackOptions {
  readonly environment: string;
  readonly to?: string;
  readonly yes: boolean;
  readonly json: boolean;
  /** `--during-cutover`: deploy <env>-dr's compute layer while it serves <env>'s host name (cutover-guard.ts). */
  readonly duringCutover?: boolean;
}

/** Redeploys the previous good release (or the one named) to the compute layer and waits for the rollout. */
export const runRollback: Action<RollbackOptions> = async (options, context) => {
  const action = await prepare(options.environment, context);
  const { io, environment, services } = action;
  const ref = { environment: environment.name, layer: "compute" as const };
  await guardCutover(action, { duringCutover: options.duringCutover === true, command: `devctl rollback ${environment.name}` });
  const history = await services.engine.history(ref);
  const outputs = await services.engine.outputs(ref);
  if (environment.compute.platform === "lambda") return rollbackLambda(options, action, history, outputs);
  const current = typeof outputs.imageRef === "string" ? outputs.imageRef : await services.engine.getConfig(ref, IMAGE_CONFIG_KEY);
  const target = chooseRollbackTarget(history, current, options.to);
  io.err(`rolling ${environment.name} back to release ${target.record.version} (${target.image}, deployed ${target.record.startTime.toISOString()})`);

  const dataHistory = await services.engine.history({ environment: environment.name, layer: "data" });
  const dataChanges = dataHistory.filter((u) => u.kind === "update" && u.result === "succeeded" && u.startTime > target.record.startTime);
  const warnings: string[] = [];
  if (dataChanges.length > 0) {
    warnings.push(
      `the data layer of ${environment.name} changed ${dataChanges.length} time(s) since release ${target.record.version} (last ${dataChanges[0]?.startTime.toISOString() ?? ""}); the old release may not work with the data layer as it is now (schema, endpoints, secrets)`,
    );
  }
  for (const warning of warnings) io.err(`warning: ${warning}`);

  await confirmProduction(environment, io, { yes: options.yes, action: `roll back to ${target.image} in` });
  const outcome = await releaseCompute(action, {
    action: "rollback",
    image: target.image,
    settings: target.settings,
    message: `devctl rollback ${environment.name} to release ${target.record.version} ${target.image}`,
  });
  const result = {
    command: "rollback",
    environment: environment.name,
    release: target.record.version,
    image: target.image,
    warnings,
    deployment: outcome.deployment,
    backup: outcome.backup,
  };
  printResult(io, options.json, result, () => `rolled ${environment.name} back to release ${target.record.version} (${target.image})\n`);
};

/** Lambda: versions are immutable, so a rollback moves the alias to the version a past release served. */
async function rollbackLambda(options: RollbackOptions, action: ActionContext, history: readonly UpdateRecord[], outputs: StackOutputs): Promise<void> {
  const { io, environment } = action;
  const target = chooseLambdaRollbackTarget(history, lambdaStateOf(outputs)?.liveVersion, options.to);
  io.err(
    `rolling ${environment.name} back to release ${target.record.version}: version ${target.version} of the function (deployed ${target.record.startTime.toISOString()})`,
  );
  await confirmProduction(environment, io, { yes: options.yes, action: `move the alias to version ${target.version} in` });
  const outcome = await releaseCompute(action, {
    action: "rollback",
    image: undefined,
    settings: { [LAMBDA_LIVE_VERSION_KEY]: target.version },
    message: `devctl rollback ${environment.name} to release ${target.record.version}: lambda version ${target.version}`,
  });
  const result = {
    command: "rollback",
    environment: environment.name,
    release: target.record.version,
    lambdaVersion: target.version,
    warnings: [],
    deployment: outcome.deployment,
    backup: outcome.backup,
  };
  printResult(io, options.json, result, () => `rolled ${environment.name} back to release ${target.record.version} (function version ${target.version})\n`);
}

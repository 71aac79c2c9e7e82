import { IMAGE_CONFIG_KEY } from "../engine/engine";
import { confirmProduction } from "./confirm";
import { prepare, printResult, type Action } from "./context";
import { releaseCompute } from "./release";
import { chooseRollbackTarget } from "./rollback-target";

export interface RollbackOptions {
  readonly environment: string;
  readonly to?: string;
  readonly yes: boolean;
  readonly json: boolean;
}

/** Redeploys the previous good release (or the one named) to the compute layer and waits for the rollout. */
export const runRollback: Action<RollbackOptions> = async (options, context) => {
  const action = await prepare(options.environment, context);
  const { io, environment, services } = action;
  const ref = { environment: environment.name, layer: "compute" as const };
  const history = await services.engine.history(ref);
  const outputs = await services.engine.outputs(ref);
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
  const result = { command: "rollback", environment: environment.name, release: target.record.version, image: target.image, warnings, deployment: outcome.deployment, backup: outcome.backup };
  printResult(io, options.json, result, () => `rolled ${environment.name} back to release ${target.record.version} (${target.image})\n`);
};

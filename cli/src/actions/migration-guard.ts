import { MIGRATION_WEIGHT_KEY } from "@platform/infra/environment";
import { DevctlError } from "../errors";
import type { ActionContext } from "./context";

/**
 * An ECS canary or linear release moves the weights of the production listener rule; while devctl migrate holds
 * them (platform-compute:migrationWeight set) the two would fight over one rule, and ECS knows nothing of the pods'
 * target group. Rolling delivery never touches the rule, so it releases as usual during a migration.
 */
export async function guardMigrationWeights(context: ActionContext, command: string): Promise<void> {
  const { environment, services } = context;
  if (environment.compute.migrateTo === "none" || environment.deployment.strategy === "rolling") return;
  const weight = await services.engine.getConfig({ environment: environment.name, layer: "compute" }, MIGRATION_WEIGHT_KEY);
  if (weight === undefined) return;
  throw new DevctlError(
    "USAGE",
    `${environment.name} is migrating to ${environment.compute.migrateTo} (${MIGRATION_WEIGHT_KEY} ${weight}): devctl migrate holds the production rule's weights, and a ${environment.deployment.strategy} release of ECS would move them too`,
    `finish the migration first, or hand the rule back to ECS with devctl migrate ${environment.name} --to ${environment.compute.migrateTo} --back (to 0%), run ${command}, then devctl migrate again`,
  );
}

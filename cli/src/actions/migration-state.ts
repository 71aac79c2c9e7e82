import { MIGRATION_ECS_TARGET_GROUP_KEY, MIGRATION_PHASE_KEY, MIGRATION_WEIGHT_KEY } from "@platform/infra/environment";
import type { Engine, StackRef } from "../engine/engine";
import { DevctlError } from "../errors";
import type { ActionContext } from "./context";

/** The compute stack settings devctl migrate keeps: where the production rule's requests stand. */
export const MIGRATION_KEYS = [MIGRATION_WEIGHT_KEY, MIGRATION_ECS_TARGET_GROUP_KEY, MIGRATION_PHASE_KEY] as const;

/**
 * The migration settings the compute layer was last deployed with, from the stack's history (the newest update,
 * whatever its result: a failed step may have moved the rule). The stack config file is per checkout and
 * git-ignored, so a CI run or a colleague's machine has none; the history is in the backend with the state.
 */
export async function deployedMigrationSettings(engine: Engine, ref: StackRef): Promise<MigrationSettings> {
  const last = (await engine.history(ref, 20)).find((u) => u.kind === "update");
  return Object.fromEntries(MIGRATION_KEYS.flatMap((key) => (last?.config[key] === undefined ? [] : [[key, last.config[key]]])));
}

type MigrationSettings = Partial<Record<(typeof MIGRATION_KEYS)[number], string>>;

/**
 * Config overrides that make a preview run with the deployed migration settings (and without any this checkout
 * holds that are not deployed): a preview from CI would otherwise show every request going back to ECS.
 */
export async function migrationConfigOverrides(engine: Engine, ref: StackRef): Promise<Record<string, string | null>> {
  const deployed = await deployedMigrationSettings(engine, ref);
  const overrides: Record<string, string | null> = {};
  for (const key of MIGRATION_KEYS) {
    const value = deployed[key];
    if (value !== undefined) overrides[key] = value;
    else if ((await engine.getConfig(ref, key)) !== undefined) overrides[key] = null;
  }
  return overrides;
}

/** Makes the stack config hold exactly `settings` of the migration keys. */
export async function setMigrationSettings(engine: Engine, ref: StackRef, settings: MigrationSettings): Promise<void> {
  for (const key of MIGRATION_KEYS) {
    const value = settings[key];
    const local = await engine.getConfig(ref, key);
    if (value === undefined) {
      if (local !== undefined) await engine.removeConfig(ref, key);
    } else if (local !== value) await engine.setConfig(ref, key, value);
  }
}

/**
 * Before a release of the compute layer. A migration's settings are kept as deployed: an update from a checkout
 * without them would put every request back on ECS at once (or, with the environment file no longer naming the
 * migration, the program refuses them and says what to do). Once the file says computePlatform: eks after a
 * drained migration, that update finishes it, and the settings go. A canary or linear ECS release is refused
 * while devctl migrate holds the production rule's weights, since it would move them too (and ECS knows nothing
 * of the pods' target group); rolling delivery never touches the rule.
 */
export async function guardMigrationWeights(context: ActionContext, command: string): Promise<void> {
  const { environment, services, io } = context;
  const ref: StackRef = { environment: environment.name, layer: "compute" };
  const deployed = await deployedMigrationSettings(services.engine, ref);
  const finishing = environment.compute.migrateTo === "none" && environment.compute.platform === "eks" && deployed[MIGRATION_PHASE_KEY] === "drained";
  await setMigrationSettings(services.engine, ref, finishing ? {} : deployed);
  if (finishing) io.err(`${environment.name}: finishing the migration to eks: the listener rule forwards to blue, where the pods already are`);
  const weight = finishing ? undefined : deployed[MIGRATION_WEIGHT_KEY];
  if (environment.compute.migrateTo === "none" || environment.deployment.strategy === "rolling" || weight === undefined) return;
  throw new DevctlError(
    "USAGE",
    `${environment.name} is migrating to ${environment.compute.migrateTo} (${MIGRATION_WEIGHT_KEY} ${weight}): devctl migrate holds the production rule's weights, and a ${environment.deployment.strategy} release of ECS would move them too`,
    `finish the migration first, or hand the rule back to ECS with devctl migrate ${environment.name} --to ${environment.compute.migrateTo} --back (to 0%), run ${command}, then devctl migrate again`,
  );
}

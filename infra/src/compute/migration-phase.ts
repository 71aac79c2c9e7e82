import type { Environment } from "../environment/environment";

/** Stack config devctl migrate sets on the compute layer while it drains the old platform. */
export const MIGRATION_PHASE_KEY = "platform-compute:migrationPhase";

/**
 * Where a migration stands (computeMigrateTo set): `alongside`, both platforms serve from the same target groups
 * (the default once the environment file names the new platform); `drained`, the old platform runs no copies
 * and the new one serves alone, still behind the old one's origin.
 */
export type MigrationPhase = "alongside" | "drained";

/** The phase from the stack config, checked against the environment; undefined when no migration is under way. */
export function migrationPhase(environment: Pick<Environment, "compute">, configured: string | undefined): MigrationPhase | undefined {
  if (configured !== undefined && configured !== "drained") {
    throw new Error(`${MIGRATION_PHASE_KEY} is ${JSON.stringify(configured)}; it is drained or unset (devctl migrate sets it)`);
  }
  if (environment.compute.migrateTo === "none") {
    if (configured === undefined) return undefined;
    throw new Error(
      `${MIGRATION_PHASE_KEY} is drained but computeMigrateTo is none, so nothing would serve; run devctl migrate <env> --back to bring the old platform back first`,
    );
  }
  return configured === "drained" ? "drained" : "alongside";
}

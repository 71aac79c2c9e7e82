/**
 * Moving a running environment between the container platforms (computeMigrateTo). While it is set, the
 * platform in computePlatform keeps the origin (ALB, target groups, alarms) and the other one runs beside it,
 * registering into the same target groups; `devctl migrate` walks the phases (see docs/runbooks.md).
 */
import type { Environment } from "./environment";

export const MIGRATION_TARGETS = ["none", "ecs", "eks"] as const;
export type MigrationTarget = (typeof MIGRATION_TARGETS)[number];

/** A problem with computeMigrateTo: the key at fault and what to do. */
export interface MigrationSettingsProblem {
  readonly key: "computeMigrateTo";
  readonly message: string;
}

/**
 * The rules between computeMigrateTo, the platform and the mesh. Each message names the fix, because it is shown
 * to the person editing the environment file.
 */
export function migrationSettingsProblems(s: {
  readonly computePlatform: string;
  readonly computeMigrateTo: MigrationTarget;
  readonly meshMode: string;
}): MigrationSettingsProblem[] {
  const to = s.computeMigrateTo;
  if (to === "none") return [];
  const problem = (message: string): MigrationSettingsProblem[] => [{ key: "computeMigrateTo", message }];
  if (to === s.computePlatform) {
    return problem(`is ${to}, the platform the environment already runs on; name the other platform (${to === "ecs" ? "eks" : "ecs"}) or none`);
  }
  if (s.computePlatform === "lambda") {
    return problem("is set while computePlatform is lambda; the lambda platform has no target group to share, so move it with a new environment instead");
  }
  if (to === "ecs") {
    // The ECS service would join the cluster's group beside the pods; only ECS -> EKS is built and tested so far.
    return problem("is ecs on an eks environment; a migration from EKS to ECS is not built yet: use none");
  }
  if (s.meshMode !== "none") {
    // The mesh is per platform (Service Connect on ECS, Istio on EKS): traffic between them would leave it.
    return problem(
      `is set while meshMode is ${s.meshMode}, which only one of the two platforms runs; set meshMode: none for the migration and bring the mesh back after`,
    );
  }
  return [];
}

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

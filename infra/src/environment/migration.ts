/**
 * Moving a running environment between the container platforms (computeMigrateTo). While it is set, the
 * platform in computePlatform keeps the origin (ALB, listener rule, alarms) and the other one runs beside it in a
 * target group of its own; `devctl migrate` moves the rule's weights between them and drains the old platform
 * (see docs/runbooks.md#migrate-platform).
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
 * Where a migration stands (computeMigrateTo set): `alongside`, both platforms run, each in its own target groups,
 * and the production rule's weights (MIGRATION_WEIGHT_KEY) say who serves what (the default once the environment
 * file names the new platform); `drained`, the old platform runs no copies and the new one serves alone, still
 * behind the old one's origin.
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

/** Stack config devctl migrate sets on the compute layer: EKS's percent of the production rule's requests. */
export const MIGRATION_WEIGHT_KEY = "platform-compute:migrationWeight";

/**
 * Stack config devctl migrate sets once, when it first takes the production rule over from a canary or linear ECS
 * service: the ECS target group (blue or green) that served then, which keeps ECS's share for the migration.
 */
export const MIGRATION_ECS_TARGET_GROUP_KEY = "platform-compute:migrationEcsTargetGroup";

/** The roles of ECS's target groups, in WebService's order: blue serves in every strategy, green only with canary and linear delivery. */
export const ECS_TARGET_GROUP_ROLES = ["blue", "green"] as const;
export type EcsTargetGroupRole = (typeof ECS_TARGET_GROUP_ROLES)[number];

/**
 * How the production listener rule splits requests while a migration moves them: `eksPercent` to the pods' own
 * target group, the rest to ECS's `ecsTargetGroup`. Undefined while ECS's delivery owns the rule as usual.
 */
export interface MigrationWeights {
  readonly eksPercent: number;
  readonly ecsTargetGroup: EcsTargetGroupRole;
}

/**
 * The weights from the stack config (MIGRATION_WEIGHT_KEY, MIGRATION_ECS_TARGET_GROUP_KEY), checked against the
 * environment and the phase. Each error names the key and how to put it right.
 */
export function migrationWeights(
  environment: Pick<Environment, "compute" | "deployment">,
  configured: { readonly weight?: string | undefined; readonly ecsTargetGroup?: string | undefined },
  phase: MigrationPhase | undefined,
): MigrationWeights | undefined {
  const { weight, ecsTargetGroup } = configured;
  if (weight === undefined) {
    if (ecsTargetGroup !== undefined) {
      throw new Error(`${MIGRATION_ECS_TARGET_GROUP_KEY} is set without ${MIGRATION_WEIGHT_KEY}; devctl migrate sets both, remove it`);
    }
    if (phase === "drained") {
      throw new Error(
        `${MIGRATION_PHASE_KEY} is drained but ${MIGRATION_WEIGHT_KEY} is unset, so ECS would still take its share with no tasks; set it to 100 first`,
      );
    }
    return undefined;
  }
  if (environment.compute.migrateTo !== "eks") {
    throw new Error(
      `${MIGRATION_WEIGHT_KEY} is ${weight} but computeMigrateTo is ${environment.compute.migrateTo}; put computeMigrateTo: eks back and bring the requests back with devctl migrate <env> --to eks --back (a migration is finished only from drained)`,
    );
  }
  if (!/^(0|[1-9]\d?|100)$/.test(weight)) {
    throw new Error(`${MIGRATION_WEIGHT_KEY} is ${JSON.stringify(weight)}; it is EKS's percent of the requests, a whole number from 0 to 100`);
  }
  const eksPercent = Number(weight);
  if (phase === "drained" && eksPercent !== 100) {
    throw new Error(
      `${MIGRATION_PHASE_KEY} is drained but ${MIGRATION_WEIGHT_KEY} is ${eksPercent}, so ECS would get ${100 - eksPercent}% with no tasks; set it to 100 first`,
    );
  }
  const progressive = environment.deployment.strategy !== "rolling";
  if (ecsTargetGroup === undefined) {
    if (progressive) {
      throw new Error(
        `${MIGRATION_ECS_TARGET_GROUP_KEY} is unset; with ${environment.deployment.strategy} delivery ECS serves from blue or green, so name the one its production rule forwards to (devctl migrate reads and sets it)`,
      );
    }
    return { eksPercent, ecsTargetGroup: "blue" };
  }
  const allowed: readonly string[] = progressive ? ECS_TARGET_GROUP_ROLES : [ECS_TARGET_GROUP_ROLES[0]];
  if (!allowed.includes(ecsTargetGroup)) {
    throw new Error(
      `${MIGRATION_ECS_TARGET_GROUP_KEY} is ${JSON.stringify(ecsTargetGroup)}; with ${environment.deployment.strategy} delivery it is ${allowed.join(" or ")}`,
    );
  }
  return { eksPercent, ecsTargetGroup: ecsTargetGroup as EcsTargetGroupRole };
}

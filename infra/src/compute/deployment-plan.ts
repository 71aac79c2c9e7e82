import type { Environment } from "../environment/environment";

/**
 * How a new task definition reaches traffic, derived from environment.deployment.
 * rolling: one target group, tasks replaced in place, the circuit breaker and alarms roll back.
 * canary/linear: ECS native progressive deployment across two target groups (blue/green), traffic shifted
 * by the production listener rule's weights, each step baked while the deployment alarms watch.
 */
export interface DeploymentPlan {
  /** ECS deploymentConfiguration.strategy. */
  readonly strategy: "ROLLING" | "CANARY" | "LINEAR";
  /** Two (blue/green) for canary and linear; one for rolling. */
  readonly targetGroupCount: 1 | 2;
  /** ECS deploymentConfiguration input (bake times are strings in the provider's schema). */
  readonly deploymentConfiguration: {
    readonly strategy: "ROLLING" | "CANARY" | "LINEAR";
    readonly bakeTimeInMinutes?: string;
    readonly canaryConfiguration?: { readonly canaryPercent: number; readonly canaryBakeTimeInMinutes: string };
    readonly linearConfiguration?: { readonly stepPercent: number; readonly stepBakeTimeInMinutes: string };
  };
}

export class DeploymentPlanError extends Error {
  override readonly name = "DeploymentPlanError";
}

/** ECS accepts a linear step of 3-100 % (the environment file allows 1-99). */
export const MIN_LINEAR_STEP_PERCENT = 3;

export function deploymentPlan(environment: Pick<Environment, "name" | "isProduction" | "deployment">): DeploymentPlan {
  const d = environment.deployment;
  const bake = String(d.bakeMinutes);
  if (d.bakeMinutes < 0 || d.bakeMinutes > 1440) {
    throw new DeploymentPlanError(`deploymentBakeMinutes is ${d.bakeMinutes} in ${environment.name}; ECS accepts 0-1440.`);
  }
  switch (d.strategy) {
    case "rolling":
      if (environment.isProduction) {
        throw new DeploymentPlanError(
          `deploymentStrategy is "rolling" in production environment ${environment.name}; set canary or linear so a bad release reaches only part of the traffic.`,
        );
      }
      return { strategy: "ROLLING", targetGroupCount: 1, deploymentConfiguration: { strategy: "ROLLING" } };
    case "canary":
      if (d.canaryPercent <= 0 || d.canaryPercent >= 100) {
        throw new DeploymentPlanError(`canaryPercent is ${d.canaryPercent} in ${environment.name}; use 1-99.`);
      }
      return {
        strategy: "CANARY",
        targetGroupCount: 2,
        deploymentConfiguration: {
          strategy: "CANARY",
          bakeTimeInMinutes: bake,
          canaryConfiguration: { canaryPercent: d.canaryPercent, canaryBakeTimeInMinutes: bake },
        },
      };
    case "linear":
      if (d.linearStepPercent < MIN_LINEAR_STEP_PERCENT || d.linearStepPercent >= 100) {
        throw new DeploymentPlanError(
          `linearStepPercent is ${d.linearStepPercent} in ${environment.name}; ECS linear deployments need ${MIN_LINEAR_STEP_PERCENT}-99.`,
        );
      }
      return {
        strategy: "LINEAR",
        targetGroupCount: 2,
        deploymentConfiguration: {
          strategy: "LINEAR",
          bakeTimeInMinutes: bake,
          linearConfiguration: { stepPercent: d.linearStepPercent, stepBakeTimeInMinutes: bake },
        },
      };
  }
}

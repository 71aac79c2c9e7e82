import type { Environment } from "../environment/environment";
import { inRange, SETTING_RANGES } from "../environment/rules";

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

/** ECS accepts a linear step of 3-100 % (the environment file allows 3-99). */
export const MIN_LINEAR_STEP_PERCENT = SETTING_RANGES.linearStepPercent.min;

export function deploymentPlan(environment: Pick<Environment, "name" | "isProduction" | "deployment">): DeploymentPlan {
  const d = environment.deployment;
  const bake = String(d.bakeMinutes);
  const bakeRange = SETTING_RANGES.deploymentBakeMinutes;
  if (!inRange(d.bakeMinutes, bakeRange)) {
    throw new DeploymentPlanError(`deploymentBakeMinutes is ${d.bakeMinutes} in ${environment.name}; ECS accepts ${bakeRange.min}-${bakeRange.max}.`);
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
      if (!inRange(d.canaryPercent, SETTING_RANGES.canaryPercent)) {
        const { min, max } = SETTING_RANGES.canaryPercent;
        throw new DeploymentPlanError(`canaryPercent is ${d.canaryPercent} in ${environment.name}; use ${min}-${max}.`);
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
      if (!inRange(d.linearStepPercent, SETTING_RANGES.linearStepPercent)) {
        throw new DeploymentPlanError(
          `linearStepPercent is ${d.linearStepPercent} in ${environment.name}; ECS linear deployments need ${MIN_LINEAR_STEP_PERCENT}-${SETTING_RANGES.linearStepPercent.max}.`,
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

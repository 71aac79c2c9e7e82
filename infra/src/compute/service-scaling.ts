import * as aws from "@pulumi/aws";
import * as pulumi from "@pulumi/pulumi";

/** Seconds between scale-in steps: slow, so a dip between bursts does not drop tasks that are needed again. */
export const SCALE_IN_COOLDOWN_SECONDS = 300;
/** Seconds between scale-out steps: fast, so a burst is met within a minute or two. */
export const SCALE_OUT_COOLDOWN_SECONDS = 60;

export interface ServiceScalingArgs {
  readonly clusterName: pulumi.Input<string>;
  readonly serviceName: pulumi.Input<string>;
  /** Fewest and most running tasks (environment.service minTasks and maxTasks). */
  readonly minTasks: number;
  readonly maxTasks: number;
  /** Average CPU the tasks are kept at, in percent. */
  readonly cpuTargetPercent: number;
  /** ALB requests per task per minute the tasks are kept at. */
  readonly requestsPerTaskPerMinute: number;
  /** ALB ARN suffix (app/<name>/<id>). */
  readonly albArnSuffix: pulumi.Input<string>;
  /**
   * How requests are counted per task. "target-group": ALBRequestCountPerTarget of this one target group (its ARN
   * suffix). "whole-alb": all the ALB's requests divided by the running tasks, for blue/green, where the serving
   * target group changes after every release and a per-group metric would point at an empty group half the time.
   */
  readonly requests: { readonly per: "target-group"; readonly targetGroupArnSuffix: pulumi.Input<string> } | { readonly per: "whole-alb" };
  readonly tags?: Record<string, string>;
}

/** The request metric a target-tracking policy follows: see ServiceScalingArgs.requests. */
export function requestsPerTaskMetric(
  args: Pick<ServiceScalingArgs, "albArnSuffix" | "clusterName" | "serviceName" | "requests">,
): Pick<aws.types.input.appautoscaling.PolicyTargetTrackingScalingPolicyConfiguration, "customizedMetricSpecification" | "predefinedMetricSpecification"> {
  if (args.requests.per === "target-group") {
    return {
      predefinedMetricSpecification: {
        predefinedMetricType: "ALBRequestCountPerTarget",
        resourceLabel: pulumi.interpolate`${args.albArnSuffix}/${args.requests.targetGroupArnSuffix}`,
      },
    };
  }
  return {
    customizedMetricSpecification: {
      metrics: [
        {
          id: "requests",
          returnData: false,
          metricStat: {
            stat: "Sum",
            metric: { namespace: "AWS/ApplicationELB", metricName: "RequestCount", dimensions: [{ name: "LoadBalancer", value: args.albArnSuffix }] },
          },
        },
        {
          id: "tasks",
          returnData: false,
          metricStat: {
            stat: "Average",
            metric: {
              namespace: "ECS/ContainerInsights",
              metricName: "RunningTaskCount",
              dimensions: [
                { name: "ClusterName", value: args.clusterName },
                { name: "ServiceName", value: args.serviceName },
              ],
            },
          },
        },
        { id: "perTask", label: "ALB requests per task", returnData: true, expression: "IF(tasks > 0, requests / tasks, requests)" },
      ],
    },
  };
}

/**
 * Target-tracking autoscaling of an ECS service on CPU and on ALB requests per task, between minTasks and
 * maxTasks. A function, not a component: `${name}-scaling`, `${name}-scale-cpu` and `${name}-scale-requests`
 * keep the caller's parent.
 */
export function serviceScaling(name: string, args: ServiceScalingArgs, parent: pulumi.Resource): aws.appautoscaling.Target {
  const opts = { parent };
  const target = new aws.appautoscaling.Target(
    `${name}-scaling`,
    {
      serviceNamespace: "ecs",
      scalableDimension: "ecs:service:DesiredCount",
      resourceId: pulumi.interpolate`service/${args.clusterName}/${args.serviceName}`,
      minCapacity: args.minTasks,
      maxCapacity: args.maxTasks,
      tags: args.tags,
    },
    opts,
  );
  const base = {
    policyType: "TargetTrackingScaling",
    serviceNamespace: target.serviceNamespace,
    scalableDimension: target.scalableDimension,
    resourceId: target.resourceId,
  };
  const cooldowns = { scaleInCooldown: SCALE_IN_COOLDOWN_SECONDS, scaleOutCooldown: SCALE_OUT_COOLDOWN_SECONDS };
  new aws.appautoscaling.Policy(
    `${name}-scale-cpu`,
    {
      ...base,
      targetTrackingScalingPolicyConfiguration: {
        predefinedMetricSpecification: { predefinedMetricType: "ECSServiceAverageCPUUtilization" },
        targetValue: args.cpuTargetPercent,
        ...cooldowns,
      },
    },
    opts,
  );
  new aws.appautoscaling.Policy(
    `${name}-scale-requests`,
    { ...base, targetTrackingScalingPolicyConfiguration: { ...requestsPerTaskMetric(args), targetValue: args.requestsPerTaskPerMinute, ...cooldowns } },
    opts,
  );
  return target;
}

import * as aws from "@pulumi/aws";
import * as pulumi from "@pulumi/pulumi";
import type { Environment } from "../environment/environment";
import { alarmDescription, type RunbookKey } from "../observability/runbooks";

/** The service's alarms, by runbook key. */
export const SERVICE_ALARM_KEYS = [
  "service-5xx-rate",
  "service-p99-latency",
  "service-unhealthy-hosts",
  "service-running-tasks-low",
] as const satisfies readonly RunbookKey[];
export type ServiceAlarmKey = (typeof SERVICE_ALARM_KEYS)[number];

/** The alarms that roll a deployment back: a bad release shows as errors or slowness first. */
export const DEPLOYMENT_ALARM_KEYS = ["service-5xx-rate", "service-p99-latency"] as const satisfies readonly ServiceAlarmKey[];

/**
 * The lambda platform's own alarms, beside the 5xx rate and latency it measures at its API: the function's errors
 * (crashes, timeouts, out of memory: what the API may report as 500s or 503s it cannot tell apart) and its
 * throttles (requests refused at the reserved-concurrency ceiling, which a slower release reaches first).
 */
export const FUNCTION_ALARM_KEYS = ["function-errors", "function-throttles"] as const satisfies readonly RunbookKey[];
export type FunctionAlarmKey = (typeof FUNCTION_ALARM_KEYS)[number];

/** CloudWatch alarm name: environment-prefixed, so staging and prod can share an account. */
export function serviceAlarmName(environmentName: string, key: ServiceAlarmKey | FunctionAlarmKey): string {
  return `${environmentName}-${key}`;
}

/** Who a service alarm belongs to and whom it tells. */
export interface ServiceAlarmTarget {
  /** Environment name: the prefix of the alarm's CloudWatch name. */
  readonly environmentName: string;
  /** SNS topic notified on ALARM and on OK. */
  readonly alertTopicArn: pulumi.Input<string>;
  readonly tags?: Record<string, string> | undefined;
}

/**
 * One service alarm: `${name}-${key}` in the stack, serviceAlarmName() in CloudWatch, notifying the alert topic
 * on ALARM and on OK. Every platform's service alarms are made here.
 */
export function serviceAlarm(
  name: string,
  key: ServiceAlarmKey | FunctionAlarmKey,
  target: ServiceAlarmTarget,
  alarmArgs: Omit<aws.cloudwatch.MetricAlarmArgs, "name" | "alarmActions" | "okActions" | "tags">,
  opts: pulumi.CustomResourceOptions,
): aws.cloudwatch.MetricAlarm {
  return new aws.cloudwatch.MetricAlarm(
    `${name}-${key}`,
    {
      name: serviceAlarmName(target.environmentName, key),
      alarmActions: [target.alertTopicArn],
      okActions: [target.alertTopicArn],
      tags: target.tags,
      ...alarmArgs,
    },
    opts,
  );
}

/** Thresholds from the environment file, in the units CloudWatch compares in. */
export function serviceAlarmThresholds(environment: Pick<Environment, "deployment" | "service">): {
  fiveXxRatePercent: number;
  p99LatencySeconds: number;
  minRunningTasks: number;
} {
  return {
    fiveXxRatePercent: environment.deployment.alarm5xxRatePercent,
    p99LatencySeconds: environment.deployment.alarmP99LatencyMs / 1000,
    minRunningTasks: environment.service.minTasks,
  };
}

export interface ServiceAlarmsArgs {
  /** Environment name: the prefix of every alarm name and the subject of its description. */
  readonly environmentName: string;
  /** The 5xx rate (percent) and p99 latency (ms) that alarm and roll a deployment back (environment.deployment). */
  readonly deployment: Environment["deployment"];
  /** Fewer running copies than service.minTasks (the autoscaling minimum) alarms (environment.service). */
  readonly service: Environment["service"];
  /** SNS topic every alarm notifies, on ALARM and on OK. */
  readonly alertTopicArn: pulumi.Input<string>;
  /** ALB ARN suffix (app/<name>/<id>): dimension LoadBalancer. */
  readonly albArnSuffix: pulumi.Input<string>;
  /** Target group ARN suffixes; one per target group the deployment uses (their count is fixed). */
  readonly targetGroupArnSuffixes: readonly pulumi.Input<string>[];
  readonly clusterName: pulumi.Input<string>;
  readonly serviceName: pulumi.Input<string>;
  /**
   * What counts the running copies of the service. Default: ECS Container Insights' RunningTaskCount of
   * clusterName/serviceName. The eks platform counts the healthy pods in its target group instead.
   */
  readonly runningCount?: RunningCountMetric;
  readonly tags?: Record<string, string>;
}

/** A CloudWatch metric that counts running copies of the service (see ServiceAlarmsArgs.runningCount). */
export interface RunningCountMetric {
  readonly namespace: string;
  readonly metricName: string;
  readonly dimensions: Record<string, pulumi.Input<string>>;
}

/**
 * 5xx rate, p99 latency, unhealthy targets and running task count, each paging the alert topic. The first
 * two are measured on the whole load balancer, so a canary that fails its share of requests moves them.
 */
export class ServiceAlarms extends pulumi.ComponentResource {
  readonly alarms: Readonly<Record<ServiceAlarmKey, aws.cloudwatch.MetricAlarm>>;
  readonly alarmNames: pulumi.Output<string[]>;
  readonly deploymentAlarmNames: pulumi.Output<string[]>;

  constructor(name: string, args: ServiceAlarmsArgs, opts?: pulumi.ComponentResourceOptions) {
    super("platform:compute:ServiceAlarms", name, {}, opts);
    const environmentName = args.environmentName;
    const t = serviceAlarmThresholds(args);
    if (args.targetGroupArnSuffixes.length === 0) {
      throw new pulumi.ResourceError("ServiceAlarms needs at least one target group ARN suffix.", this);
    }
    const target = { environmentName, alertTopicArn: args.alertTopicArn, tags: args.tags };
    const lb = { LoadBalancer: args.albArnSuffix };
    const alb = (id: string, metricName: string, stat = "Sum") => ({
      id,
      returnData: false,
      metric: { namespace: "AWS/ApplicationELB", metricName, dimensions: lb, period: 60, stat },
    });
    const alarm = (key: ServiceAlarmKey, alarmArgs: Parameters<typeof serviceAlarm>[3]) => serviceAlarm(name, key, target, alarmArgs, { parent: this });

    const fiveXx = alarm("service-5xx-rate", {
      alarmDescription: alarmDescription(
        "service-5xx-rate",
        `${environmentName}: more than ${t.fiveXxRatePercent}% of requests through the load balancer answered 5xx (targets and ALB) in 2 of 3 minutes. Rolls back a deployment in progress.`,
      ),
      comparisonOperator: "GreaterThanThreshold",
      threshold: t.fiveXxRatePercent,
      evaluationPeriods: 3,
      datapointsToAlarm: 2,
      // No traffic is not an error rate.
      treatMissingData: "notBreaching",
      metricQueries: [
        alb("requests", "RequestCount"),
        alb("target5xx", "HTTPCode_Target_5XX_Count"),
        alb("elb5xx", "HTTPCode_ELB_5XX_Count"),
        {
          id: "rate",
          label: "5xx % of requests",
          returnData: true,
          expression: "IF(requests > 0, 100 * (FILL(target5xx, 0) + FILL(elb5xx, 0)) / requests, 0)",
        },
      ],
    });

    const p99 = alarm("service-p99-latency", {
      alarmDescription: alarmDescription(
        "service-p99-latency",
        `${environmentName}: p99 target response time above ${args.deployment.alarmP99LatencyMs} ms in 2 of 3 minutes. Rolls back a deployment in progress.`,
      ),
      comparisonOperator: "GreaterThanThreshold",
      threshold: t.p99LatencySeconds,
      evaluationPeriods: 3,
      datapointsToAlarm: 2,
      treatMissingData: "notBreaching",
      namespace: "AWS/ApplicationELB",
      metricName: "TargetResponseTime",
      dimensions: lb,
      period: 60,
      extendedStatistic: "p99",
    });

    // During a blue/green deployment either target group may hold the tasks: count unhealthy ones in all.
    const unhealthyQueries = args.targetGroupArnSuffixes.map((suffix, i) => ({
      id: `tg${i}`,
      returnData: false,
      metric: {
        namespace: "AWS/ApplicationELB",
        metricName: "UnHealthyHostCount",
        dimensions: { LoadBalancer: args.albArnSuffix, TargetGroup: suffix },
        period: 60,
        stat: "Maximum",
      },
    }));
    const unhealthy = alarm("service-unhealthy-hosts", {
      alarmDescription: alarmDescription(
        "service-unhealthy-hosts",
        `${environmentName}: at least one target failed its /readyz health check for 3 minutes in a row.`,
      ),
      comparisonOperator: "GreaterThanThreshold",
      threshold: 0,
      evaluationPeriods: 3,
      datapointsToAlarm: 3,
      treatMissingData: "notBreaching",
      metricQueries: [
        ...unhealthyQueries,
        {
          id: "unhealthy",
          label: "Unhealthy targets",
          returnData: true,
          expression: unhealthyQueries.map((q) => `FILL(${q.id}, 0)`).join(" + "),
        },
      ],
    });

    const running = alarm("service-running-tasks-low", {
      alarmDescription: alarmDescription(
        "service-running-tasks-low",
        `${environmentName}: fewer than ${t.minRunningTasks} tasks running for 5 minutes (the autoscaling minimum).`,
      ),
      comparisonOperator: "LessThanThreshold",
      threshold: t.minRunningTasks,
      evaluationPeriods: 5,
      datapointsToAlarm: 5,
      // No data means the service (or Container Insights) is gone: that is an outage, not a quiet night.
      treatMissingData: "breaching",
      ...(args.runningCount ?? {
        namespace: "ECS/ContainerInsights",
        metricName: "RunningTaskCount",
        dimensions: { ClusterName: args.clusterName, ServiceName: args.serviceName },
      }),
      period: 60,
      statistic: "Minimum",
    });

    this.alarms = {
      "service-5xx-rate": fiveXx,
      "service-p99-latency": p99,
      "service-unhealthy-hosts": unhealthy,
      "service-running-tasks-low": running,
    };
    this.alarmNames = pulumi.all(SERVICE_ALARM_KEYS.map((k) => this.alarms[k].name));
    this.deploymentAlarmNames = pulumi.all(DEPLOYMENT_ALARM_KEYS.map((k) => this.alarms[k].name));
    this.registerOutputs({ alarmNames: this.alarmNames, deploymentAlarmNames: this.deploymentAlarmNames });
  }
}

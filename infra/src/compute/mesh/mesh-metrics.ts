/**
 * The mesh's view of the service as CloudWatch metrics, in one shape for every mesh mode, so the dashboard and the
 * mesh alarm are built once: Service Connect publishes its own metrics (AWS/ECS); Istio's waypoint metrics reach
 * CloudWatch through the CloudWatch agent (see istio-ambient.ts).
 */
import * as aws from "@pulumi/aws";
import * as pulumi from "@pulumi/pulumi";
import type { Environment } from "../../environment/environment";
import type { MeshMode } from "../../environment/mesh";
import { alarmDescription } from "../../observability/runbooks";

/** One CloudWatch metric: name, dimensions and the statistic it is read with. */
export interface MeshMetric {
  readonly metricName: string;
  readonly dimensions: Readonly<Record<string, string>>;
  readonly stat: string;
}

/** Requests the mesh carried to the service, the 5xx among them, and how long they took. */
export interface MeshMetrics {
  readonly mode: Exclude<MeshMode, "none">;
  readonly namespace: string;
  readonly requests: MeshMetric;
  readonly errors: MeshMetric;
  /** Response time as a percentile, where the mesh publishes one (Istio's histograms reach CloudWatch without one). */
  readonly latency?: MeshMetric;
}

/** The mesh alarm's key: its runbook entry and, prefixed with the environment, its name. */
export const MESH_ALARM_KEY = "mesh-5xx-rate";

export function meshAlarmName(environmentName: string): string {
  return `${environmentName}-${MESH_ALARM_KEY}`;
}

type AlarmEnvironment = Pick<Environment, "name" | "deployment" | "mesh">;

/** The mesh 5xx alarm's settings: 5xx share of the mesh's requests above alarm5xxRatePercent in 2 of 3 minutes. */
export function meshAlarmSettings(env: AlarmEnvironment) {
  return {
    name: meshAlarmName(env.name),
    alarmDescription: alarmDescription(
      MESH_ALARM_KEY,
      `${env.name}: more than ${env.deployment.alarm5xxRatePercent}% of the requests the ${env.mesh.mode} mesh carried to the service answered 5xx in 2 of 3 minutes. Rolls back a deployment in progress.`,
    ),
    comparisonOperator: "GreaterThanThreshold",
    threshold: env.deployment.alarm5xxRatePercent,
    evaluationPeriods: 3,
    datapointsToAlarm: 2,
    // No calls through the mesh is not an error rate.
    treatMissingData: "notBreaching",
  } as const;
}

/** The alarm's metric math: requests and 5xx from the mesh's metrics, and their ratio in percent. */
export function meshAlarmQueries(metrics: MeshMetrics): aws.types.input.cloudwatch.MetricAlarmMetricQuery[] {
  const query = (id: string, metric: MeshMetric) => ({
    id,
    returnData: false,
    metric: { namespace: metrics.namespace, metricName: metric.metricName, dimensions: { ...metric.dimensions }, period: 60, stat: metric.stat },
  });
  return [
    query("requests", metrics.requests),
    query("errors", metrics.errors),
    { id: "rate", label: "Mesh 5xx % of requests", returnData: true, expression: "IF(requests > 0, 100 * FILL(errors, 0) / requests, 0)" },
  ];
}

/** The mesh 5xx alarm, notifying the alert topic on ALARM and OK like the service's own alarms. */
export function meshAlarm(
  name: string,
  env: AlarmEnvironment,
  metrics: pulumi.Input<MeshMetrics>,
  alertTopicArn: pulumi.Input<string>,
  tags: Record<string, string> | undefined,
  opts: pulumi.CustomResourceOptions,
): aws.cloudwatch.MetricAlarm {
  return new aws.cloudwatch.MetricAlarm(
    name,
    {
      ...meshAlarmSettings(env),
      metricQueries: pulumi.output(metrics).apply(meshAlarmQueries),
      alarmActions: [alertTopicArn],
      okActions: [alertTopicArn],
      tags,
    },
    opts,
  );
}

/** Alarm names with the mesh alarm's appended, when there is one (the stack's alarm lists). */
export function withMeshAlarm(names: pulumi.Output<string[]>, alarm: aws.cloudwatch.MetricAlarm | undefined): pulumi.Output<string[]> {
  return alarm ? pulumi.all([names, alarm.name]).apply(([service, mesh]) => [...service, mesh]) : names;
}

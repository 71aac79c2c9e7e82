import * as aws from "@pulumi/aws";
import * as pulumi from "@pulumi/pulumi";
import type { Environment } from "../environment/environment";
export { dashboardBody, type DashboardInput } from "./dashboard";
import type { MeshMetrics } from "../compute/mesh/mesh-metrics";
import { dashboardBody, ERROR_LOG_PATTERN, errorLogMetric, redisNodeIds } from "./dashboard";
import { ANOMALY_BAND_ID, anomalyBandWidth, requestCountAnomalyQueries } from "./request-anomaly";
import { alarmDescription } from "./runbooks";

export interface ObservabilityArgs {
  /** The environment: its name and region (dashboard), tier (anomaly band width), Redis replica count. */
  readonly environment: Environment;
  /** The environment's alert topic (network output alertTopicArn); every alarm here notifies it. */
  readonly alertTopicArn: pulumi.Input<string>;
  readonly clusterName: pulumi.Input<string>;
  readonly serviceName: pulumi.Input<string>;
  /** The ALB's arnSuffix (app/<name>/<id>), the LoadBalancer dimension of its metrics. */
  readonly albArnSuffix: pulumi.Input<string>;
  /** arnSuffix of each target group (targetgroup/<name>/<id>); one for rolling deploys, two for canary/linear. */
  readonly targetGroupArnSuffixes: pulumi.Input<string[]>;
  readonly dbInstanceIdentifier: pulumi.Input<string>;
  /** Redis replication group id; its member clusters are <id>-001 ... (one plus environment.cache.replicaCount). */
  readonly redisReplicationGroupId: pulumi.Input<string>;
  /** The service's CloudWatch log group (pino JSON lines and EMF records). */
  readonly logGroupName: pulumi.Input<string>;
  /** CloudFront distribution id (Edge.distributionId); its widgets read us-east-1. */
  readonly distributionId: pulumi.Input<string>;
  /** Tags for every taggable resource (layerTags(environment, "compute")). */
  readonly tags: Record<string, string>;
  /** The mesh's metrics of the service (WebService/EksWebService meshMetrics); adds a mesh group. Default: none. */
  readonly meshMetrics?: pulumi.Input<MeshMetrics | undefined>;
}

/**
 * What on-call looks at for one environment: a CloudWatch dashboard (traffic, edge, tasks, database,
 * cache, the service's business metrics, error logs), an anomaly-detection alarm on request count and a
 * metric filter counting error log lines.
 */
export class Observability extends pulumi.ComponentResource {
  readonly dashboardName: pulumi.Output<string>;
  /** Alarms created here (all in the environment's region, all notifying alertTopicArn). */
  readonly alarmNames: pulumi.Output<string[]>;

  constructor(name: string, args: ObservabilityArgs, opts?: pulumi.ComponentResourceOptions) {
    super("platform:observability:Observability", name, {}, opts);
    const { environment, tags } = args;
    const here = { parent: this };
    const bandWidth = anomalyBandWidth(environment);
    const errorMetric = errorLogMetric(environment.name);

    new aws.cloudwatch.LogMetricFilter(
      `${name}-error-logs`,
      {
        name: `${environment.name}-release-ledger-error-logs`,
        logGroupName: args.logGroupName,
        pattern: ERROR_LOG_PATTERN,
        // defaultValue 0 makes quiet periods plot as zero instead of gaps.
        metricTransformation: { namespace: errorMetric.namespace, name: errorMetric.name, value: "1", defaultValue: "0", unit: "Count" },
      },
      here,
    );

    const anomaly = new aws.cloudwatch.MetricAlarm(
      `${name}-request-count-anomaly`,
      {
        name: `${environment.name}-release-ledger-request-count-anomaly`,
        alarmDescription: alarmDescription(
          "request-count-anomaly",
          `ALB request count in ${environment.name} outside its expected band (${bandWidth} standard deviations) for 3 consecutive five-minute periods.`,
        ),
        metricQueries: requestCountAnomalyQueries(args.albArnSuffix, bandWidth),
        thresholdMetricId: ANOMALY_BAND_ID,
        comparisonOperator: "LessThanLowerOrGreaterThanUpperThreshold",
        evaluationPeriods: 3,
        datapointsToAlarm: 3,
        // The ALB publishes RequestCount only when there are requests. Missing data is not treated as a
        // breach: staging is often idle, and a total outage is caught by the 5xx, unhealthy-host and
        // CloudFront alarms. A drop with traffic still flowing falls below the band and fires.
        treatMissingData: "notBreaching",
        alarmActions: [args.alertTopicArn],
        okActions: [args.alertTopicArn],
        tags,
      },
      here,
    );

    const mesh = pulumi.output(args.meshMetrics);
    const body = pulumi
      .all([
        args.clusterName,
        args.serviceName,
        args.albArnSuffix,
        args.targetGroupArnSuffixes,
        args.dbInstanceIdentifier,
        args.redisReplicationGroupId,
        args.logGroupName,
        args.distributionId,
      ])
      .apply(([clusterName, serviceName, albArnSuffix, targetGroupArnSuffixes, dbInstanceIdentifier, redisGroupId, logGroupName, distributionId]) =>
        mesh.apply((meshMetrics) =>
          JSON.stringify(
            dashboardBody({
              environmentName: environment.name,
              region: environment.awsRegion,
              clusterName,
              serviceName,
              albArnSuffix,
              targetGroupArnSuffixes,
              dbInstanceIdentifier,
              redisNodeIds: redisNodeIds(redisGroupId, environment.cache.replicaCount),
              logGroupName,
              distributionId,
              anomalyBandWidth: bandWidth,
              errorLogMetric: errorMetric,
              ...(meshMetrics ? { mesh: meshMetrics } : {}),
            }),
          ),
        ),
      );
    const dashboard = new aws.cloudwatch.Dashboard(name, { dashboardName: `${environment.name}-release-ledger`, dashboardBody: body }, here);

    this.dashboardName = dashboard.dashboardName;
    this.alarmNames = pulumi.all([anomaly.name]);
    this.registerOutputs({ dashboardName: this.dashboardName, alarmNames: this.alarmNames });
  }
}

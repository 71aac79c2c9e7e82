import * as aws from "@pulumi/aws";
import * as pulumi from "@pulumi/pulumi";
import { alarmDescription } from "../observability/runbooks";
import type { DataAlarmSpec } from "./alarm-specs";

export interface DataAlarmTarget {
  /** Logical name of the owning component; alarms are `${component}-${role}`. */
  readonly component: string;
  /** Prefix of the CloudWatch alarm names, e.g. "ledger-prod-postgres". */
  readonly alarmNamePrefix: string;
  /** Dimension that identifies a node, and the node ids (one alarm covers all of them). */
  readonly dimension: { readonly name: string; readonly values: readonly string[] };
  /**
   * Combine the nodes with metric math even when there is one, so the alarm keeps its shape (and is updated,
   * not replaced) when replicas come or go.
   */
  readonly combineNodes: boolean;
  /** SNS topic notified on ALARM and on OK. */
  readonly alertTopicArn: pulumi.Input<string>;
  readonly tags: Record<string, string>;
}

/** Turns alarm specs into CloudWatch alarms, children of `parent`. */
export function createDataAlarms(specs: readonly DataAlarmSpec[], target: DataAlarmTarget, parent: pulumi.Resource): aws.cloudwatch.MetricAlarm[] {
  if (target.dimension.values.length === 0) {
    throw new pulumi.ResourceError(`${target.component}: alarms need at least one ${target.dimension.name} to watch.`, parent);
  }
  return specs.map((spec) => {
    const common = {
      name: `${target.alarmNamePrefix}-${spec.role}`,
      alarmDescription: alarmDescription(spec.runbook, spec.summary),
      comparisonOperator: spec.comparisonOperator,
      threshold: spec.threshold,
      evaluationPeriods: spec.evaluationPeriods,
      datapointsToAlarm: spec.datapointsToAlarm,
      treatMissingData: spec.treatMissingData,
      alarmActions: [target.alertTopicArn],
      okActions: [target.alertTopicArn],
      tags: target.tags,
    };
    const values = target.dimension.values;
    if (!target.combineNodes && values.length === 1) {
      return new aws.cloudwatch.MetricAlarm(
        `${target.component}-${spec.role}`,
        {
          ...common,
          namespace: spec.namespace,
          metricName: spec.metricName,
          statistic: spec.statistic,
          period: spec.periodSeconds,
          dimensions: { [target.dimension.name]: values[0]! },
        },
        { parent },
      );
    }
    const nodes = values.map((value, i) => ({
      id: `m${i + 1}`,
      returnData: false,
      metric: {
        namespace: spec.namespace,
        metricName: spec.metricName,
        stat: spec.statistic,
        period: spec.periodSeconds,
        dimensions: { [target.dimension.name]: value },
      },
    }));
    return new aws.cloudwatch.MetricAlarm(
      `${target.component}-${spec.role}`,
      {
        ...common,
        metricQueries: [
          ...nodes,
          {
            id: "combined",
            expression: `${spec.acrossNodes}([${nodes.map((n) => n.id).join(", ")}])`,
            label: `${spec.metricName} (${spec.acrossNodes} over ${values.length} node${values.length === 1 ? "" : "s"})`,
            returnData: true,
          },
        ],
      },
      { parent },
    );
  });
}

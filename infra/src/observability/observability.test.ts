/**
 * The Observability component under Pulumi's mocks, for staging and prod: the alarm, metric filter and
 * dashboard it asks CloudWatch for. (No AWS here: inputs, not deployed state.)
 */
import * as aws from "@pulumi/aws";
import { beforeAll, describe, expect, it } from "vitest";
import { loadEnvironment, type Environment } from "../environment";
import { installMocks, promiseOf, type MockRecorder, type RecordedResource } from "../testing/mocks";
import { DASHBOARD_GROUPS, errorLogMetric } from "./dashboard";
import { anomalyBandWidth } from "./request-anomaly";
import { RUNBOOK_DOCUMENT } from "./runbooks";

const ENVIRONMENTS = ["staging", "prod"] as const;
let recorder: MockRecorder;
const built = new Map<string, { environment: Environment; dashboardName: string; alarmNames: string[] }>();

beforeAll(async () => {
  recorder = await installMocks({ project: "platform-compute", stack: "staging" });
  const { Observability } = await import("./observability.js");
  const provider = new aws.Provider("aws-main", { region: "eu-west-1" });
  for (const name of ENVIRONMENTS) {
    const environment = loadEnvironment(name);
    const o = new Observability(
      `observability-${name}`,
      {
        environment,
        alertTopicArn: `arn:aws:sns:eu-west-1:123456789012:alerts-${name}`,
        clusterName: `${name}-cluster`,
        serviceName: `${name}-service`,
        albArnSuffix: `app/${name}-alb/0123456789abcdef`,
        targetGroupArnSuffixes: [`targetgroup/${name}-blue/0123`, `targetgroup/${name}-green/4567`],
        dbInstanceIdentifier: `${name}-postgres`,
        redisReplicationGroupId: `${name}-redis`,
        logGroupName: `/platform/${name}/service`,
        distributionId: `E${name.toUpperCase()}123`,
        tags: { ...environment.tags, Layer: "compute" },
      },
      { provider },
    );
    built.set(name, { environment, dashboardName: await promiseOf(o.dashboardName), alarmNames: await promiseOf(o.alarmNames) });
  }
  let last = -1;
  while (last !== recorder.resources.length) {
    last = recorder.resources.length;
    await new Promise((r) => setTimeout(r, 30));
  }
});

const one = (env: string, type: string): RecordedResource => {
  const found = recorder.ofType(type).filter((r) => r.name.startsWith(`observability-${env}`));
  if (found.length !== 1) throw new Error(`expected one ${type} for ${env}, found ${found.length}`);
  return found[0]!;
};

describe.each(ENVIRONMENTS)("Observability (%s)", (env) => {
  it("alarms on ALB request count outside its anomaly band and notifies the alert topic", () => {
    const { environment, alarmNames } = built.get(env)!;
    const alarm = one(env, "aws:cloudwatch/metricAlarm:MetricAlarm");
    const topic = `arn:aws:sns:eu-west-1:123456789012:alerts-${env}`;
    expect(alarm.inputs.alarmActions).toEqual([topic]);
    expect(alarm.inputs.okActions).toEqual([topic]);
    expect(alarm.inputs.comparisonOperator).toBe("LessThanLowerOrGreaterThanUpperThreshold");
    const queries = alarm.inputs.metricQueries as { id: string; expression?: string; metric?: Record<string, unknown>; returnData?: boolean }[];
    const band = queries.find((q) => q.id === alarm.inputs.thresholdMetricId);
    expect(band?.expression).toBe(`ANOMALY_DETECTION_BAND(m1, ${anomalyBandWidth(environment)})`);
    const m1 = queries.find((q) => q.id === "m1");
    expect(m1?.metric).toMatchObject({
      namespace: "AWS/ApplicationELB",
      metricName: "RequestCount",
      stat: "Sum",
      dimensions: { LoadBalancer: `app/${env}-alb/0123456789abcdef` },
    });
    expect(queries.every((q) => q.returnData === true)).toBe(true);
    expect(alarm.inputs.threshold).toBeUndefined();
    expect(alarm.inputs.alarmDescription).toContain(`${RUNBOOK_DOCUMENT}#request-count-anomaly`);
    expect(alarmNames).toEqual([alarm.inputs.name]);
    expect(alarm.inputs.tags).toMatchObject({ Environment: env, Layer: "compute" });
  });

  it("counts pino error/fatal lines of the service's log group", () => {
    const filter = one(env, "aws:cloudwatch/logMetricFilter:LogMetricFilter");
    const metric = errorLogMetric(env);
    expect(filter.inputs).toMatchObject({
      logGroupName: `/platform/${env}/service`,
      pattern: "{ $.level >= 50 }",
      metricTransformation: { namespace: metric.namespace, name: metric.name, value: "1", defaultValue: "0" },
    });
  });

  it("builds the environment's dashboard from the resolved names", () => {
    const { dashboardName, environment } = built.get(env)!;
    const dashboard = one(env, "aws:cloudwatch/dashboard:Dashboard");
    expect(dashboardName).toBe(`${env}-release-ledger`);
    const body = JSON.parse(String(dashboard.inputs.dashboardBody));
    const text = JSON.stringify(body);
    for (const group of Object.values(DASHBOARD_GROUPS)) expect(text).toContain(`## ${group}`);
    for (const value of [
      `${env}-cluster`,
      `${env}-service`,
      `targetgroup/${env}-green/4567`,
      `${env}-postgres`,
      `E${env.toUpperCase()}123`,
      `/platform/${env}/service`,
    ]) {
      expect(text).toContain(value);
    }
    expect(text.match(new RegExp(`${env}-redis-00\\d`, "g"))?.length).toBe(3 * (environment.cache.replicaCount + 1));
    expect(
      body.widgets
        .filter((w: { type: string; properties: { region?: string } }) => w.type === "metric")
        .every((w: { properties: { region?: string } }) => w.properties.region),
    ).toBe(true);
  });
});

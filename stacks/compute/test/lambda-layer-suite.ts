/* eslint-disable @typescript-eslint/no-explicit-any -- recorded mock inputs are untyped JSON; the assertions give them shape. */
/**
 * The compute layer on the lambda platform, run once per environment shape (lambda-staging.test.ts,
 * lambda-prod.test.ts). Every assertion reads the inputs the program actually sent under Pulumi's mocks, and
 * the policy pack judges the same resources.
 */
import { beforeAll, describe, expect, it } from "vitest";
import type { LoadOptions } from "@platform/infra/environment";
import { LAYER_OUTPUT_NAMES } from "@platform/infra/layers";
import { evaluateRules } from "@platform/policy";
import { fromWire } from "@platform/infra/testing";
import { DATA, NETWORK, TYPES, runComputeProgram, type ComputeRun } from "./compute-harness";

const LAMBDA = {
  function: "aws:lambda/function:Function",
  alias: "aws:lambda/alias:Alias",
  invokeConfig: "aws:lambda/functionEventInvokeConfig:FunctionEventInvokeConfig",
  permission: "aws:lambda/permission:Permission",
  stage: "aws:apigatewayv2/stage:Stage",
  api: "aws:apigatewayv2/api:Api",
  integration: "aws:apigatewayv2/integration:Integration",
  domain: "aws:apigatewayv2/domainName:DomainName",
  proxy: "aws:rds/proxy:Proxy",
  proxyTarget: "aws:rds/proxyTarget:ProxyTarget",
  queue: "aws:sqs/queue:Queue",
  distribution: "aws:cloudfront/distribution:Distribution",
  alarm: "aws:cloudwatch/metricAlarm:MetricAlarm",
  dashboard: "aws:cloudwatch/dashboard:Dashboard",
} as const;

export interface LambdaExpectations {
  readonly tier: "staging" | "production";
  readonly memoryMb: number;
  readonly reservedConcurrency: number;
  readonly throttle: { readonly rate: number; readonly burst: number };
}

export function lambdaLayerSuite(environmentName: string, expected: LambdaExpectations, loadOptions: () => LoadOptions = () => ({})): void {
  let run: ComputeRun;
  const one = (type: string, name?: string) => run.recorder.one(type, name);

  beforeAll(async () => {
    run = await runComputeProgram(environmentName, { lambdaLiveVersion: "7", lambdaCanaryVersion: "8" }, loadOptions());
  });

  describe(`compute layer on Lambda, ${environmentName} (${expected.tier})`, () => {
    it("builds no image, ECS service, cluster or load balancer", () => {
      expect(run.resources.filter((r) => /^(aws:ecs|aws:ecr|aws:eks|aws:lb|docker)/.test(r.type)).map((r) => r.type)).toEqual([]);
    });

    it("runs the bundled handler in the private subnets with the service's group, a reserved ceiling and its own key", () => {
      expect(one(LAMBDA.function, "service").inputs).toMatchObject({
        name: `${environmentName}-release-ledger-api`,
        runtime: "nodejs24.x",
        handler: "dist/lambda/api.handler",
        memorySize: expected.memoryMb,
        reservedConcurrentExecutions: expected.reservedConcurrency,
        publish: true,
        vpcConfig: { subnetIds: NETWORK.privateSubnetIds, securityGroupIds: [NETWORK.serviceSecurityGroupId] },
        kmsKeyArn: NETWORK.kmsKeyArn,
      });
    });

    it("reaches PostgreSQL through the proxy with an IAM token and TLS, and holds no credential in its settings", () => {
      // The settings carry the origin secret, so Pulumi keeps the whole block secret.
      const variables = (fromWire(one(LAMBDA.function, "service").inputs.environment, "reveal") as any).variables as Record<string, string>;
      expect(variables).toMatchObject({
        PGPORT: "5432",
        PGDATABASE: DATA.dbName,
        PGUSER: DATA.dbAppUsername,
        PGSSLMODE: "verify-full",
        DB_AUTH: "iam",
        MIGRATION_PGHOST: DATA.dbEndpoint,
        REDIS_HOST: DATA.redisEndpoint,
        REDIS_TLS: "true",
      });
      expect(JSON.parse(variables.SECRET_REFERENCES!)).toEqual({
        MIGRATION_PGUSER: `${DATA.dbMasterSecretArn}:username::`,
        MIGRATION_PGPASSWORD: `${DATA.dbMasterSecretArn}:password::`,
        REDIS_AUTH_TOKEN: DATA.redisAuthSecretArn,
      });
      expect(Object.keys(variables).filter((k) => /PASSWORD|TOKEN/.test(k))).toEqual([]);
      // The same secret CloudFront sends to the origin.
      const sent = JSON.stringify(fromWire(one(LAMBDA.distribution).inputs.origins, "reveal"));
      expect(variables.ORIGIN_VERIFY_SECRET).toMatch(/^\w{32}$/);
      expect(sent).toContain(variables.ORIGIN_VERIFY_SECRET);
      expect(one(LAMBDA.proxy).inputs).toMatchObject({
        engineFamily: "POSTGRESQL",
        requireTls: true,
        defaultAuthScheme: "IAM_AUTH",
        vpcSubnetIds: NETWORK.privateSubnetIds,
      });
      expect(one(LAMBDA.proxyTarget).inputs).toMatchObject({ targetGroupName: "default", dbInstanceIdentifier: DATA.dbInstanceIdentifier });
    });

    it("grants the function what a function in a VPC needs inline: no managed policy and its logs on every log group", () => {
      // Neither Lambda function of the layer (the API, the DORA snapshot) takes AWS's Lambda policies.
      expect(
        run.recorder
          .ofType(TYPES.attachment)
          .map((a) => String(a.inputs.policyArn))
          .filter((arn) => arn.includes("AWSLambda")),
      ).toEqual([]);
      const policy = JSON.parse(String(one(TYPES.rolePolicy, "service-function").inputs.policy)) as { Statement: { Sid: string; Action: string[] }[] };
      expect(policy.Statement.find((s) => s.Sid === "VpcNetworkInterfaces")?.Action).toContain("ec2:CreateNetworkInterface");
      expect(policy.Statement.flatMap((s) => [s.Action].flat()).filter((action) => action.startsWith("logs:"))).toEqual([
        "logs:CreateLogStream",
        "logs:PutLogEvents",
      ]);
    });

    it("keeps failed asynchronous events in an encrypted queue", () => {
      expect(one(LAMBDA.invokeConfig, "service-async").inputs).toMatchObject({
        maximumRetryAttempts: 0,
        destinationConfig: { onFailure: { destination: expect.stringContaining("async-failures") } },
      });
      expect(one(LAMBDA.queue, "service-async-failures").inputs).toMatchObject({ kmsMasterKeyId: NETWORK.kmsKeyArn });
    });

    it("serves the live alias through an HTTP API on origin.<domain> only, with access logs and the environment's throttle", () => {
      expect(one(LAMBDA.alias).inputs).toMatchObject({
        name: "live",
        functionVersion: "7",
        routingConfig: { additionalVersionWeights: { "8": 0.1 } },
      });
      expect(one(LAMBDA.api).inputs).toMatchObject({ protocolType: "HTTP", disableExecuteApiEndpoint: true });
      expect(one(LAMBDA.integration).inputs).toMatchObject({ integrationType: "AWS_PROXY", payloadFormatVersion: "2.0" });
      const stage = one(LAMBDA.stage).inputs as any;
      expect(stage.defaultRouteSettings).toEqual({ throttlingRateLimit: expected.throttle.rate, throttlingBurstLimit: expected.throttle.burst });
      expect(JSON.parse(stage.accessLogSettings.format)).toMatchObject({ requestId: "$context.requestId", status: "$context.status" });
      expect(one(LAMBDA.permission).inputs).toMatchObject({ principal: "apigateway.amazonaws.com", qualifier: "live" });
      const origin = (one(LAMBDA.domain).inputs as any).domainName as string;
      expect(origin).toMatch(/^origin\./);
      const distribution = one(LAMBDA.distribution).inputs as any;
      expect(JSON.stringify(distribution.origins)).toContain(origin);
      expect(JSON.stringify(distribution.origins)).toContain("X-Origin-Verify");
    });

    it("exports the layer's contract: the image's and load balancer's outputs null, the function's in lambda", () => {
      expect(Object.keys(run.outputs).sort()).toEqual([...LAYER_OUTPUT_NAMES.compute].sort());
      expect(run.outputs).toMatchObject({ platform: "lambda", imageRef: null, clusterName: null, albArn: null, targetGroupArns: [] });
      expect(run.outputs.lambda).toMatchObject({ functionName: `${environmentName}-release-ledger-api`, aliasName: "live" });
      expect(run.outputs.deploymentAlarmNames).toEqual([
        `${environmentName}-service-5xx-rate`,
        `${environmentName}-service-p99-latency`,
        `${environmentName}-function-errors`,
        `${environmentName}-function-throttles`,
      ]);
    });

    it("pages the alert topic when the function fails or is throttled, and gates the alias's canary on both", () => {
      const functionName = `${environmentName}-release-ledger-api`;
      const percent = run.environment.deployment.alarm5xxRatePercent;
      const metricsOf = (alarm: any) =>
        (alarm.metricQueries as any[])
          .filter((q) => q.metric)
          .map((q) => ({ [q.id]: `${q.metric.namespace} ${q.metric.metricName} ${q.metric.dimensions.FunctionName}` }));
      for (const [key, metric] of [
        ["function-errors", "Errors"],
        ["function-throttles", "Throttles"],
      ] as const) {
        const alarm = one(LAMBDA.alarm, `service-${key}`).inputs as any;
        expect(alarm).toMatchObject({
          name: `${environmentName}-${key}`,
          alarmActions: [NETWORK.alertTopicArn],
          okActions: [NETWORK.alertTopicArn],
          comparisonOperator: "GreaterThanThreshold",
          threshold: percent,
          evaluationPeriods: 3,
          datapointsToAlarm: 2,
          treatMissingData: "notBreaching",
        });
        expect(alarm.alarmDescription).toContain(`docs/runbooks.md#${key}`);
        expect(metricsOf(alarm)).toEqual(
          expect.arrayContaining([
            { [metric.toLowerCase()]: `AWS/Lambda ${metric} ${functionName}` },
            { invocations: `AWS/Lambda Invocations ${functionName}` },
          ]),
        );
      }
      // devctl's soak gate reads the deployment alarms' regions from the alarms output.
      const listed = (run.outputs.alarms as { name: string; region: string }[]).map((a) => a.name);
      expect(listed).toEqual(expect.arrayContaining(run.outputs.deploymentAlarmNames as string[]));
      // The dashboard shows the alarms that decide a canary.
      const body = JSON.parse(String(one(LAMBDA.dashboard).inputs.dashboardBody)) as { widgets: any[] };
      const gate = body.widgets.find((w) => w.type === "alarm");
      expect(gate?.properties.alarms).toHaveLength(4);
    });

    it("passes the policy pack", () => {
      const resources = run.resources.map((r) => ({
        type: r.type,
        name: r.name,
        urn: `urn:pulumi:${environmentName}::platform-compute::${r.type}::${r.name}`,
        props: r.inputs,
      }));
      const violations = evaluateRules(resources, { stack: environmentName, isProduction: expected.tier === "production" }).filter(
        (v) => v.level === "mandatory",
      );
      expect(violations).toEqual([]);
    });
  });
}

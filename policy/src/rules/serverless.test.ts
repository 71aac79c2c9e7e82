import { describe, expect, it } from "vitest";
import { evaluateRules } from "./index";
import {
  apiGatewayAccessLogs,
  apiGatewayThrottling,
  lambdaAsyncFailureDestination,
  lambdaInVpc,
  lambdaReservedConcurrency,
  lambdaServiceAlarms,
  rdsProxyTlsRequired,
} from "./serverless";
import { resource, PROD, STAGING } from "./testing";

const FUNCTION = "aws:lambda/function:Function";
const INVOKE_CONFIG = "aws:lambda/functionEventInvokeConfig:FunctionEventInvokeConfig";
const STAGE = "aws:apigatewayv2/stage:Stage";
const PROXY = "aws:rds/proxy:Proxy";
const ALIAS = "aws:lambda/alias:Alias";
const ALARM = "aws:cloudwatch/metricAlarm:MetricAlarm";
const QUEUE = "arn:aws:sqs:eu-west-1:123456789012:api-async-failures";

const fn = (overrides: Record<string, unknown> = {}) =>
  resource(
    FUNCTION,
    {
      name: "prod-release-ledger-api",
      vpcConfig: { subnetIds: ["subnet-a", "subnet-b"], securityGroupIds: ["sg-service"] },
      reservedConcurrentExecutions: 50,
      ...overrides,
    },
    "service",
  );
const invokeConfig = (overrides: Record<string, unknown> = {}) =>
  resource(
    INVOKE_CONFIG,
    { functionName: "prod-release-ledger-api", maximumRetryAttempts: 0, destinationConfig: { onFailure: { destination: QUEUE } }, ...overrides },
    "service-async",
  );
const stage = (overrides: Record<string, unknown> = {}) =>
  resource(STAGE, {
    apiId: "api-1",
    name: "$default",
    accessLogSettings: {
      destinationArn: "arn:aws:logs:eu-west-1:123456789012:log-group:/platform/prod/api-access",
      format: '{"requestId":"$context.requestId"}',
    },
    defaultRouteSettings: { throttlingRateLimit: 100, throttlingBurstLimit: 200 },
    ...overrides,
  });
const proxy = (overrides: Record<string, unknown> = {}) =>
  resource(PROXY, { engineFamily: "POSTGRESQL", requireTls: true, defaultAuthScheme: "IAM_AUTH", ...overrides });

describe("lambda-in-vpc", () => {
  it("passes a function with private subnets and a security group", () => {
    expect(lambdaInVpc.validate(fn(), PROD)).toEqual([]);
  });
  it("fails one outside the VPC, or without a security group", () => {
    expect(lambdaInVpc.validate(fn({ vpcConfig: undefined }), STAGING)).toEqual([expect.stringContaining("runs outside the VPC")]);
    expect(lambdaInVpc.validate(fn({ vpcConfig: { subnetIds: [], securityGroupIds: ["sg-1"] } }), STAGING)).toEqual([
      expect.stringContaining("runs outside the VPC"),
    ]);
    expect(lambdaInVpc.validate(fn({ vpcConfig: { subnetIds: ["subnet-a"], securityGroupIds: [] } }), PROD)).toEqual([
      expect.stringContaining("give the function a security group"),
    ]);
  });
});

describe("lambda-reserved-concurrency", () => {
  it("passes a reserved ceiling", () => {
    expect(lambdaReservedConcurrency.validate(fn(), PROD)).toEqual([]);
  });
  it("fails none, unreserved (-1) and zero (which stops the function)", () => {
    expect(lambdaReservedConcurrency.validate(fn({ reservedConcurrentExecutions: undefined }), STAGING)).toEqual([expect.stringContaining("is not set")]);
    expect(lambdaReservedConcurrency.validate(fn({ reservedConcurrentExecutions: -1 }), STAGING)).toEqual([expect.stringContaining("unreserved")]);
    expect(lambdaReservedConcurrency.validate(fn({ reservedConcurrentExecutions: 0 }), PROD)).toEqual([expect.stringContaining("stops every invocation")]);
  });
});

describe("lambda-async-failure-destination", () => {
  it("passes a function whose invoke config sends failures somewhere, or that has a dead-letter queue", () => {
    expect(lambdaAsyncFailureDestination.validate([fn(), invokeConfig()], PROD)).toEqual([]);
    expect(lambdaAsyncFailureDestination.validate([fn({ deadLetterConfig: { targetArn: QUEUE } })], PROD)).toEqual([]);
  });
  it("fails a function whose failed async events vanish, naming it", () => {
    const bare = fn();
    expect(lambdaAsyncFailureDestination.validate([bare], STAGING)).toEqual([
      { urn: bare.urn, message: expect.stringContaining("function prod-release-ledger-api drops failed asynchronous events") as unknown },
    ]);
    expect(lambdaAsyncFailureDestination.validate([bare, invokeConfig({ destinationConfig: {} })], STAGING)).toHaveLength(1);
    expect(lambdaAsyncFailureDestination.validate([bare, invokeConfig({ functionName: "another-function" })], STAGING)).toHaveLength(1);
  });
  it("does not judge while a real preview does not yet know which function a config is for", () => {
    expect(lambdaAsyncFailureDestination.validate([fn(), invokeConfig({ functionName: undefined })], STAGING)).toEqual([]);
  });
});

describe("api-gateway-access-logs and api-gateway-throttling", () => {
  it("pass a stage with an access log and a throttle", () => {
    expect(apiGatewayAccessLogs.validate(stage(), PROD)).toEqual([]);
    expect(apiGatewayThrottling.validate(stage(), PROD)).toEqual([]);
  });
  it("fail a stage without access logs, or with a format that cannot be matched with the function's log", () => {
    expect(apiGatewayAccessLogs.validate(stage({ accessLogSettings: undefined }), STAGING)).toEqual([expect.stringContaining("leave no trace")]);
    expect(apiGatewayAccessLogs.validate(stage({ accessLogSettings: { destinationArn: "arn:x", format: "$context.status" } }), STAGING)).toEqual([
      expect.stringContaining("lacks $context.requestId"),
    ]);
  });
  it("fail a stage without a rate or a burst", () => {
    expect(apiGatewayThrottling.validate(stage({ defaultRouteSettings: undefined }), STAGING)).toHaveLength(2);
    expect(apiGatewayThrottling.validate(stage({ defaultRouteSettings: { throttlingRateLimit: 100 } }), PROD)).toEqual([
      expect.stringContaining("defaultRouteSettings.throttlingBurstLimit is not set"),
    ]);
  });
});

describe("rds-proxy-tls-required", () => {
  it("passes a proxy that requires TLS and IAM", () => {
    expect(rdsProxyTlsRequired.validate(proxy(), PROD)).toEqual([]);
    expect(rdsProxyTlsRequired.validate(proxy({ defaultAuthScheme: "NONE", auths: [{ authScheme: "SECRETS", iamAuth: "REQUIRED" }] }), PROD)).toEqual([]);
  });
  it("fails clear text (the default) and password logins", () => {
    expect(rdsProxyTlsRequired.validate(proxy({ requireTls: undefined }), STAGING)).toEqual([expect.stringContaining("requireTls is not true")]);
    expect(rdsProxyTlsRequired.validate(proxy({ requireTls: false }), STAGING)).toEqual([expect.stringContaining("requireTls is not true")]);
    expect(rdsProxyTlsRequired.validate(proxy({ defaultAuthScheme: "NONE", auths: [{ authScheme: "SECRETS", iamAuth: "DISABLED" }] }), PROD)).toEqual([
      expect.stringContaining("clients may log in with passwords"),
    ]);
  });
});

describe("lambda-service-alarms", () => {
  const alias = (functionName = "prod-release-ledger-api") => resource(ALIAS, { name: "live", functionName }, "service-live");
  const functionMetric = (metricName: string, functionName: unknown = "prod-release-ledger-api") => ({
    namespace: "AWS/Lambda",
    metricName,
    dimensions: { FunctionName: functionName },
    period: 60,
    stat: "Sum",
  });
  // As the component writes them: a rate over the function's invocations, in metric math.
  const rateAlarm = (metricName: string, functionName?: unknown) =>
    resource(
      ALARM,
      {
        name: `prod-function-${metricName.toLowerCase()}`,
        alarmActions: ["arn:aws:sns:eu-west-1:123456789012:alerts"],
        metricQueries: [
          { id: "invocations", returnData: false, metric: functionMetric("Invocations", functionName) },
          { id: "m", returnData: false, metric: functionMetric(metricName, functionName) },
          { id: "rate", returnData: true, expression: "100 * m / invocations" },
        ],
      },
      `service-function-${metricName.toLowerCase()}`,
    );

  it("passes a function behind an alias with alarms on its Errors and Throttles (metric math or a plain metric)", () => {
    expect(lambdaServiceAlarms.validate([fn(), alias(), rateAlarm("Errors"), rateAlarm("Throttles")], PROD)).toEqual([]);
    const plain = resource(ALARM, {
      name: "throttled",
      alarmActions: ["arn:sns"],
      namespace: "AWS/Lambda",
      metricName: "Throttles",
      dimensions: { FunctionName: "prod-release-ledger-api" },
    });
    expect(lambdaServiceAlarms.validate([fn(), alias(), rateAlarm("Errors"), plain], STAGING)).toEqual([]);
  });

  it("fails a function that serves through an alias without either alarm, naming what is missing", () => {
    expect(lambdaServiceAlarms.validate([fn(), alias(), rateAlarm("Errors")], PROD)).toEqual([
      { urn: fn().urn, message: expect.stringContaining("no alarm on AWS/Lambda Throttles of prod-release-ledger-api") },
    ]);
    // An alarm on another function does not count.
    expect(lambdaServiceAlarms.validate([fn(), alias(), rateAlarm("Errors", "other"), rateAlarm("Throttles", "other")], STAGING)).toHaveLength(1);
  });

  it("leaves a function without an alias (a scheduled job) to its own alarm, and judges nothing it cannot know yet", () => {
    expect(lambdaServiceAlarms.validate([fn()], PROD)).toEqual([]);
    expect(lambdaServiceAlarms.validate([fn(), resource(ALIAS, { name: "live", functionName: undefined })], PROD)).toEqual([]);
    expect(lambdaServiceAlarms.validate([fn(), alias(), rateAlarm("Errors"), resource(ALARM, { name: "unknown-yet" })], PROD)).toEqual([]);
  });
});

describe("the lambda rules in the pack", () => {
  it("run with every other rule, and a compliant function, stage and proxy raise nothing of theirs", () => {
    const names = evaluateRules([fn(), invokeConfig(), stage(), proxy()], PROD).map((v) => v.policy);
    expect(names.filter((n) => /lambda|api-gateway|rds-proxy/.test(n))).toEqual([]);
    const bad = evaluateRules(
      [
        fn({ reservedConcurrentExecutions: 0, vpcConfig: undefined }),
        resource(ALIAS, { name: "live", functionName: "prod-release-ledger-api" }),
        stage({ accessLogSettings: undefined }),
        proxy({ requireTls: false }),
      ],
      STAGING,
    ).map((v) => v.policy);
    expect(bad).toEqual(
      expect.arrayContaining([
        "lambda-in-vpc",
        "lambda-reserved-concurrency",
        "lambda-async-failure-destination",
        "lambda-service-alarms",
        "api-gateway-access-logs",
        "rds-proxy-tls-required",
      ]),
    );
  });
});

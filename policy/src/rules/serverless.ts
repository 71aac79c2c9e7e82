/**
 * The lambda platform's rules: the function lives in the VPC with a concurrency ceiling and never loses an
 * asynchronous event; its API logs every request and throttles; RDS Proxy takes TLS and IAM tokens only.
 * In a real preview a value not yet known is undefined; the rules judge only what is known.
 */
import type { ResourceRule, StackRule, Violation } from "./types";
import { asNumber, asRecord, asStringArray } from "./values";

const FUNCTION = "aws:lambda/function:Function";
const INVOKE_CONFIG = "aws:lambda/functionEventInvokeConfig:FunctionEventInvokeConfig";
const STAGE = "aws:apigatewayv2/stage:Stage";
const PROXY = "aws:rds/proxy:Proxy";
const ALIAS = "aws:lambda/alias:Alias";
const ALARM = "aws:cloudwatch/metricAlarm:MetricAlarm";

/** The function metrics an alarm watches: its own metric, or those of its metric-math queries. */
function lambdaMetricsOf(alarm: Readonly<Record<string, unknown>>): { metricName: unknown; functionName: unknown }[] | undefined {
  const own = alarm.namespace === "AWS/Lambda" ? [{ metricName: alarm.metricName, functionName: asRecord(alarm.dimensions)?.FunctionName }] : [];
  if (alarm.metricName !== undefined) return own;
  if (!Array.isArray(alarm.metricQueries)) return undefined;
  return alarm.metricQueries
    .map((q) => asRecord(asRecord(q)?.metric))
    .filter((m) => m?.namespace === "AWS/Lambda")
    .map((m) => ({ metricName: m?.metricName, functionName: asRecord(m?.dimensions)?.FunctionName }));
}

export const lambdaInVpc: ResourceRule = {
  kind: "resource",
  name: "lambda-in-vpc",
  description:
    "A Lambda function runs in the VPC (subnets and security groups), so it reaches the data stores privately and its traffic passes the network's controls.",
  level: "mandatory",
  types: [FUNCTION],
  validate({ props }) {
    const vpc = asRecord(props.vpcConfig);
    if (props.vpcConfig !== undefined && vpc === undefined) return [];
    const problems: string[] = [];
    if (vpc === undefined || (Array.isArray(vpc.subnetIds) && asStringArray(vpc.subnetIds).length === 0)) {
      problems.push("vpcConfig.subnetIds is empty: the function runs outside the VPC; give it the private subnets");
    }
    if (vpc !== undefined && Array.isArray(vpc.securityGroupIds) && asStringArray(vpc.securityGroupIds).length === 0) {
      problems.push("vpcConfig.securityGroupIds is empty: give the function a security group (the service's)");
    }
    return problems;
  },
};

export const lambdaReservedConcurrency: ResourceRule = {
  kind: "resource",
  name: "lambda-reserved-concurrency",
  description:
    "A Lambda function reserves its concurrency: a ceiling that protects the database and the account's other functions, and a floor they cannot take.",
  level: "mandatory",
  types: [FUNCTION],
  validate({ props }) {
    if (!("reservedConcurrentExecutions" in props) || props.reservedConcurrentExecutions === undefined) {
      return [
        "reservedConcurrentExecutions is not set: the function may take the whole account's concurrency (and the database's connections); set lambdaReservedConcurrency",
      ];
    }
    const reserved = asNumber(props.reservedConcurrentExecutions);
    if (reserved === undefined) return [];
    if (reserved === -1) return ["reservedConcurrentExecutions is -1 (unreserved); set lambdaReservedConcurrency"];
    if (reserved === 0) return ["reservedConcurrentExecutions is 0, which stops every invocation; set lambdaReservedConcurrency to at least 1"];
    return [];
  },
};

export const lambdaAsyncFailureDestination: StackRule = {
  kind: "stack",
  name: "lambda-async-failure-destination",
  description: "Every Lambda function keeps failed asynchronous events: a dead-letter queue, or an on-failure destination in its event invoke config.",
  level: "mandatory",
  validate(resources) {
    const invokeConfigs = resources.filter((r) => r.type === INVOKE_CONFIG);
    // A real preview may not know which function a config belongs to yet: then it cannot be judged.
    if (invokeConfigs.some((c) => typeof c.props.functionName !== "string")) return [];
    const covered = new Set(
      invokeConfigs
        .filter((c) => typeof asRecord(asRecord(asRecord(c.props.destinationConfig)?.onFailure))?.destination === "string")
        .map((c) => c.props.functionName as string),
    );
    const violations: Violation[] = [];
    for (const fn of resources.filter((r) => r.type === FUNCTION)) {
      const name = fn.props.name;
      if (typeof name !== "string") continue;
      const deadLetter = asRecord(fn.props.deadLetterConfig)?.targetArn;
      if (typeof deadLetter === "string" || covered.has(name)) continue;
      violations.push({
        urn: fn.urn,
        message: `function ${name} drops failed asynchronous events: give it a deadLetterConfig, or a FunctionEventInvokeConfig with destinationConfig.onFailure`,
      });
    }
    return violations;
  },
};

/** The function metrics a request-serving function must alarm on (with the API's 5xx rate and latency). */
const SERVICE_FUNCTION_METRICS = ["Errors", "Throttles"] as const;

export const lambdaServiceAlarms: StackRule = {
  kind: "stack",
  name: "lambda-service-alarms",
  description:
    "A Lambda function that serves through an alias has CloudWatch alarms on its Errors and Throttles: failures its API may not show as 5xx, and requests refused at its reserved concurrency.",
  level: "mandatory",
  validate(resources) {
    const aliased = resources.filter((r) => r.type === ALIAS).map((r) => r.props.functionName);
    // A real preview may not know yet which function an alias or an alarm is for: then it cannot be judged.
    if (aliased.some((name) => typeof name !== "string")) return [];
    const watched = resources.filter((r) => r.type === ALARM).map((r) => lambdaMetricsOf(r.props));
    if (watched.some((metrics) => metrics === undefined)) return [];
    const alarmed = new Set(watched.flatMap((metrics) => metrics ?? []).map((m) => `${String(m.metricName)} ${String(m.functionName)}`));
    const violations: Violation[] = [];
    for (const fn of resources.filter((r) => r.type === FUNCTION && aliased.includes(r.props.name))) {
      const name = fn.props.name as string;
      const missing = SERVICE_FUNCTION_METRICS.filter((metric) => !alarmed.has(`${metric} ${name}`));
      if (missing.length > 0) {
        violations.push({
          urn: fn.urn,
          message: `function ${name} serves through an alias but has no alarm on ${missing.map((m) => `AWS/Lambda ${m} of ${name}`).join(" or ")}; alarm on it (dimension FunctionName) so a bad release or a full concurrency ceiling pages someone`,
        });
      }
    }
    return violations;
  },
};

export const apiGatewayAccessLogs: ResourceRule = {
  kind: "resource",
  name: "api-gateway-access-logs",
  description: "An API Gateway stage writes an access log line for every request (to a log group, with a format).",
  level: "mandatory",
  types: [STAGE],
  validate({ props }) {
    const logs = asRecord(props.accessLogSettings);
    if (props.accessLogSettings !== undefined && logs === undefined) return [];
    if (logs === undefined) return ["accessLogSettings is not set: requests through this stage leave no trace; send them to a log group"];
    const problems: string[] = [];
    if (logs.destinationArn === "" || logs.destinationArn === null) problems.push("accessLogSettings.destinationArn is empty: name the access log group");
    if (typeof logs.format === "string" && !logs.format.includes("$context.requestId")) {
      problems.push("accessLogSettings.format lacks $context.requestId: a line could not be matched with the function's log");
    }
    return problems;
  },
};

export const apiGatewayThrottling: ResourceRule = {
  kind: "resource",
  name: "api-gateway-throttling",
  description: "An API Gateway stage throttles: a steady rate and a burst, so a flood is refused at the door and not paid for in the function.",
  level: "mandatory",
  types: [STAGE],
  validate({ props }) {
    const route = asRecord(props.defaultRouteSettings);
    if (props.defaultRouteSettings !== undefined && route === undefined) return [];
    const problems: string[] = [];
    for (const key of ["throttlingRateLimit", "throttlingBurstLimit"] as const) {
      const value = route?.[key];
      if (value === undefined && route !== undefined && key in route) continue;
      const limit = asNumber(value);
      if (limit === undefined || limit <= 0) problems.push(`defaultRouteSettings.${key} is not set: set apiThrottleRatePerSecond and apiThrottleBurst`);
    }
    return problems;
  },
};

export const rdsProxyTlsRequired: ResourceRule = {
  kind: "resource",
  name: "rds-proxy-tls-required",
  description: "RDS Proxy refuses connections without TLS, and takes IAM tokens rather than passwords from its clients.",
  level: "mandatory",
  types: [PROXY],
  validate({ props }) {
    const problems: string[] = [];
    // RDS Proxy accepts clear text unless told otherwise.
    if (props.requireTls !== true) problems.push("requireTls is not true: clients could send credentials and data in clear; set requireTls: true");
    const scheme = props.defaultAuthScheme;
    const auths = Array.isArray(props.auths) ? props.auths.map(asRecord) : [];
    const iamEverywhere = auths.length > 0 && auths.every((a) => a?.iamAuth === "REQUIRED");
    if (typeof scheme === "string" && scheme !== "IAM_AUTH" && !iamEverywhere) {
      problems.push(`defaultAuthScheme is ${scheme} and not every auth requires IAM: clients may log in with passwords; use defaultAuthScheme IAM_AUTH`);
    }
    return problems;
  },
};

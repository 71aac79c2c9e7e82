import * as aws from "@pulumi/aws";
import * as pulumi from "@pulumi/pulumi";
import { dnsValidatedCertificate } from "../../dns/validated-certificate";
import type { Environment } from "../../environment/environment";
import { alarmDescription } from "../../observability/runbooks";
import type { CacheEndpoint, DatabaseEndpoint } from "../data-store-endpoints";
import { validateOriginVerifyHeaderName, type OriginVerifyHeader } from "../origin-verify";
import { serviceAlarm, serviceAlarmThresholds } from "../service-alarms";
import { originDomainName } from "../origin-load-balancer";
import { serviceRole, serviceTrustPolicy } from "../../iam/service-role";
import { databaseUserGrant } from "../database-user-grant";
import { databaseUserArn } from "../iam-policies";
import { apiFunctionPolicy, proxyResourceId } from "./lambda-policies";
import {
  aliasRouting,
  API_ACCESS_LOG_FORMAT,
  API_HANDLER,
  apiFunctionName,
  codeDigestOf,
  HTTP_API_MAX_INTEGRATION_TIMEOUT_MS,
  LAMBDA_RUNTIME,
  lambdaServiceEnvironment,
  LIVE_ALIAS,
  PROXY_PORT,
} from "./lambda-settings";

export interface LambdaWebServiceArgs {
  readonly environment: Environment;
  /** The archive `pnpm --filter @platform/service bundle:lambda api` wrote (a zip path). */
  readonly archivePath: string;
  /**
   * The version the alias serves now (stack config platform-compute:lambdaLiveVersion, kept by devctl). Unset:
   * the version this update publishes takes all traffic at once (first deploy, rolling).
   */
  readonly liveVersion?: string;
  /** The version on trial (stack config platform-compute:lambdaCanaryVersion, set by devctl during a canary). */
  readonly canaryVersion?: string;
  readonly vpcId: pulumi.Input<string>;
  /** Subnets of the function's network interfaces and of the proxy. */
  readonly privateSubnetIds: pulumi.Input<string[]>;
  /** The service's security group: it already reaches the cache, AWS APIs (443) and PostgreSQL. */
  readonly serviceSecurityGroupId: pulumi.Input<string>;
  /** The database's group: it gains PostgreSQL from the proxy. */
  readonly databaseSecurityGroupId: pulumi.Input<string>;
  /** Customer-managed key: logs, the function's settings, the failure queue. */
  readonly kmsKeyArn: pulumi.Input<string>;
  readonly alertTopicArn: pulumi.Input<string>;
  /**
   * The host is the instance's own endpoint: only the cold-start migration connects to it directly; the function
   * reaches the database through RDS Proxy, whose own rds-db:connect names resourceId.
   */
  readonly database: DatabaseEndpoint & { readonly instanceIdentifier: pulumi.Input<string> };
  readonly redis: CacheEndpoint;
  /** Header CloudFront sends to the origin; the function refuses requests without it. No default. */
  readonly originVerifyHeader: OriginVerifyHeader;
  readonly tags?: Record<string, string>;
}

/**
 * The service as a Lambda function: the same app (service/src/lambda/api.ts), published as a new version on
 * every code change and served through the `live` alias, whose weights make the canary. In front, an API
 * Gateway HTTP API on origin.<domain> (the Edge's origin, as the ALB is on the other platforms) with access logs
 * and a stage throttle; behind, RDS Proxy (IAM authentication, TLS required) and Redis. Its outputs answer the
 * compute layer's contract the way WebService's and EksWebService's do, minus what only a load balancer has.
 */
export class LambdaWebService extends pulumi.ComponentResource {
  readonly function: aws.lambda.Function;
  readonly alias: aws.lambda.Alias;
  readonly proxy: aws.rds.Proxy;
  readonly api: aws.apigatewayv2.Api;
  readonly stage: aws.apigatewayv2.Stage;
  readonly failureQueue: aws.sqs.Queue;

  readonly serviceName: pulumi.Output<string>;
  readonly functionName: pulumi.Output<string>;
  /** The version this update published (the candidate while a canary runs). */
  readonly publishedVersion: pulumi.Output<string>;
  /** The version the alias sends its main share to. */
  readonly liveVersion: pulumi.Output<string>;
  /** The archive's SHA-256 as sha256:<hex>: what the ledger records as the release's digest. */
  readonly codeDigest: pulumi.Output<string>;
  readonly logGroupName: pulumi.Output<string>;
  readonly apiAccessLogGroupName: pulumi.Output<string>;
  readonly proxyEndpoint: pulumi.Output<string>;
  readonly originDomainName: pulumi.Output<string>;
  readonly dashboardName: pulumi.Output<string>;
  readonly alarmNames: pulumi.Output<string[]>;
  readonly deploymentAlarmNames: pulumi.Output<string[]>;

  constructor(name: string, args: LambdaWebServiceArgs, opts?: pulumi.ComponentResourceOptions) {
    super("platform:compute:LambdaWebService", name, {}, opts);
    const env = args.environment;
    const settings = env.compute.lambda;
    const parent = { parent: this };
    const tags = args.tags;
    try {
      validateOriginVerifyHeaderName(args.originVerifyHeader.name);
    } catch (error) {
      throw new pulumi.ResourceError((error as Error).message, this);
    }
    const functionName = apiFunctionName(env.name);
    const partition = aws.getPartitionOutput({}, parent).partition;
    const accountId = aws.getCallerIdentityOutput({}, parent).accountId;
    const account = { partition, accountId };

    // ---- RDS Proxy: many short-lived execution environments, few PostgreSQL connections ----
    const proxySecurityGroup = new aws.ec2.SecurityGroup(
      `${name}-db-proxy`,
      { vpcId: args.vpcId, description: `RDS Proxy of ${env.name}: PostgreSQL from the service, to the database`, tags },
      parent,
    );
    const groupRule = (
      key: string,
      kind: "ingress" | "egress",
      groupId: pulumi.Input<string>,
      peer: pulumi.Input<string>,
      port: pulumi.Input<number>,
      description: string,
    ) =>
      kind === "ingress"
        ? new aws.vpc.SecurityGroupIngressRule(
            `${name}-${key}`,
            { securityGroupId: groupId, referencedSecurityGroupId: peer, ipProtocol: "tcp", fromPort: port, toPort: port, description, tags },
            parent,
          )
        : new aws.vpc.SecurityGroupEgressRule(
            `${name}-${key}`,
            { securityGroupId: groupId, referencedSecurityGroupId: peer, ipProtocol: "tcp", fromPort: port, toPort: port, description, tags },
            parent,
          );
    groupRule("proxy-in-service", "ingress", proxySecurityGroup.id, args.serviceSecurityGroupId, PROXY_PORT, "PostgreSQL from the service's function");
    groupRule("service-out-proxy", "egress", args.serviceSecurityGroupId, proxySecurityGroup.id, PROXY_PORT, "PostgreSQL through RDS Proxy");
    groupRule("proxy-out-database", "egress", proxySecurityGroup.id, args.databaseSecurityGroupId, args.database.port, "PostgreSQL to the database");
    groupRule("database-in-proxy", "ingress", args.databaseSecurityGroupId, proxySecurityGroup.id, args.database.port, "PostgreSQL from RDS Proxy");

    const proxyRole = serviceRole(
      `${name}-db-proxy`,
      {
        description: `RDS Proxy of ${env.name} connects as the application user`,
        account,
        trust: (a) => serviceTrustPolicy({ service: "rds.amazonaws.com", sourceAccount: a.accountId }),
        ...(tags === undefined ? {} : { tags }),
      },
      parent,
    );
    // End-to-end IAM: the proxy signs in to PostgreSQL with its own token for the application user, so no password
    // for that user exists anywhere.
    databaseUserGrant(
      `${name}-db-proxy`,
      { role: proxyRole.id, partition, accountId, region: env.awsRegion, resourceId: args.database.resourceId, username: args.database.appUsername },
      parent,
    );
    this.proxy = new aws.rds.Proxy(
      `${name}-db-proxy`,
      {
        name: `${env.name}-release-ledger`,
        engineFamily: "POSTGRESQL",
        // IAM tokens from the function, IAM from the proxy to PostgreSQL: no database password is involved.
        defaultAuthScheme: "IAM_AUTH",
        requireTls: true,
        roleArn: proxyRole.arn,
        vpcSubnetIds: args.privateSubnetIds,
        vpcSecurityGroupIds: [proxySecurityGroup.id],
        idleClientTimeout: 1800,
        debugLogging: false,
        tags,
      },
      parent,
    );
    new aws.rds.ProxyDefaultTargetGroup(
      `${name}-db-proxy`,
      // Leave a tenth of max_connections for the migration and for people with psql.
      { dbProxyName: this.proxy.name, connectionPoolConfig: { maxConnectionsPercent: 90, maxIdleConnectionsPercent: 20, connectionBorrowTimeout: 10 } },
      parent,
    );
    new aws.rds.ProxyTarget(
      `${name}-db-proxy`,
      { dbProxyName: this.proxy.name, targetGroupName: "default", dbInstanceIdentifier: args.database.instanceIdentifier },
      parent,
    );

    // ---- The function ----
    const logGroup = new aws.cloudwatch.LogGroup(
      `${name}-logs`,
      { name: `/aws/lambda/${functionName}`, retentionInDays: env.logRetentionDays, kmsKeyId: args.kmsKeyArn, tags },
      parent,
    );
    // The function is only ever invoked synchronously (API Gateway), but an asynchronous invocation must
    // never vanish: after no retry it lands here, encrypted, for 14 days.
    this.failureQueue = new aws.sqs.Queue(
      `${name}-async-failures`,
      { name: `${functionName}-async-failures`, messageRetentionSeconds: 14 * 24 * 3600, kmsMasterKeyId: args.kmsKeyArn, tags },
      parent,
    );
    const role = serviceRole(
      `${name}-function`,
      {
        description: `The ${functionName} function`,
        account,
        trust: (a) => serviceTrustPolicy({ service: "lambda.amazonaws.com", sourceAccount: a.accountId }),
        ...(tags === undefined ? {} : { tags }),
      },
      parent,
    );
    const rolePolicy = new aws.iam.RolePolicy(
      `${name}-function`,
      {
        role: role.id,
        policy: pulumi
          .all([
            pulumi.all([partition, accountId, this.proxy.arn, args.database.appUsername]),
            pulumi.all([logGroup.arn, args.database.masterSecretArn, args.redis.authSecretArn, this.failureQueue.arn, args.kmsKeyArn]),
          ])
          .apply(([[p, id, proxyArn, user], [logGroupArn, masterSecret, redisSecret, queueArn, kmsKeyArn]]) =>
            JSON.stringify(
              apiFunctionPolicy({
                logGroupArn,
                proxyUserArn: databaseUserArn({ partition: p, region: env.awsRegion, accountId: id, dbResourceId: proxyResourceId(proxyArn), username: user }),
                secretArns: [masterSecret, redisSecret],
                failureQueueArn: queueArn,
                kmsKeyArn,
              }),
            ),
          ),
      },
      parent,
    );

    const variables = pulumi
      .all([
        this.proxy.endpoint,
        args.database.name,
        args.database.appUsername,
        args.database.host,
        args.redis.host,
        args.redis.port,
        args.database.masterSecretArn,
        args.redis.authSecretArn,
      ])
      .apply(([proxyEndpoint, dbName, user, dbHost, redisHost, redisPort, masterSecret, redisSecret]) => ({
        ...lambdaServiceEnvironment({ environment: env, database: { proxyEndpoint, name: dbName, user }, redis: { host: redisHost, port: redisPort } }),
        // The cold-start migration runs as the master user, straight to the instance (the proxy takes IAM tokens only).
        MIGRATION_PGHOST: dbHost,
        SECRET_REFERENCES: JSON.stringify({
          MIGRATION_PGUSER: `${masterSecret}:username::`,
          MIGRATION_PGPASSWORD: `${masterSecret}:password::`,
          REDIS_AUTH_TOKEN: redisSecret,
        }),
      }));
    this.function = new aws.lambda.Function(
      name,
      {
        name: functionName,
        role: role.arn,
        runtime: LAMBDA_RUNTIME,
        // The bundle is plain JavaScript with no native module: Graviton is about a fifth cheaper per GB-second.
        architectures: ["arm64"],
        handler: API_HANDLER,
        code: new pulumi.asset.FileArchive(args.archivePath),
        memorySize: settings.memoryMb,
        timeout: settings.timeoutSeconds,
        reservedConcurrentExecutions: settings.reservedConcurrency,
        // Every code or settings change becomes an immutable, numbered version; the alias decides which serve.
        publish: true,
        vpcConfig: { subnetIds: args.privateSubnetIds, securityGroupIds: [args.serviceSecurityGroupId] },
        kmsKeyArn: args.kmsKeyArn,
        environment: {
          // The origin secret sits with the settings, encrypted by the environment's key: as exposed as it is in
          // the ALB's listener rule on the other platforms, to people who may read the function's settings.
          variables: pulumi.all([variables, args.originVerifyHeader.value]).apply(([v, secret]) => ({ ...v, ORIGIN_VERIFY_SECRET: secret })),
        },
        loggingConfig: { logFormat: "JSON", logGroup: logGroup.name, applicationLogLevel: "INFO", systemLogLevel: "WARN" },
        tags,
      },
      { parent: this, dependsOn: [rolePolicy] },
    );
    new aws.lambda.FunctionEventInvokeConfig(
      `${name}-async`,
      { functionName: this.function.name, maximumRetryAttempts: 0, destinationConfig: { onFailure: { destination: this.failureQueue.arn } } },
      parent,
    );
    const routing = this.function.version.apply((published) =>
      aliasRouting({ published: published ?? "$LATEST", live: args.liveVersion, canary: args.canaryVersion, deployment: env.deployment }),
    );
    this.alias = new aws.lambda.Alias(
      `${name}-live`,
      {
        name: LIVE_ALIAS,
        functionName: this.function.name,
        functionVersion: routing.functionVersion,
        routingConfig: routing.apply((r) => (r.additionalVersionWeights ? { additionalVersionWeights: { ...r.additionalVersionWeights } } : {})),
      },
      parent,
    );

    // ---- API Gateway HTTP API on origin.<domain> ----
    const accessLogs = new aws.cloudwatch.LogGroup(
      `${name}-api-access-logs`,
      { name: `/platform/${env.name}/release-ledger-api-access`, retentionInDays: env.logRetentionDays, kmsKeyId: args.kmsKeyArn, tags },
      parent,
    );
    this.api = new aws.apigatewayv2.Api(
      `${name}-api`,
      {
        name: functionName,
        protocolType: "HTTP",
        // Only origin.<domain> answers, and only CloudFront's requests pass the function's origin check.
        disableExecuteApiEndpoint: true,
        tags,
      },
      parent,
    );
    const integration = new aws.apigatewayv2.Integration(
      `${name}-api`,
      {
        apiId: this.api.id,
        integrationType: "AWS_PROXY",
        integrationUri: this.alias.invokeArn,
        payloadFormatVersion: "2.0",
        timeoutMilliseconds: Math.min(HTTP_API_MAX_INTEGRATION_TIMEOUT_MS, settings.timeoutSeconds * 1000 + 1000),
      },
      parent,
    );
    new aws.apigatewayv2.Route(`${name}-api`, { apiId: this.api.id, routeKey: "$default", target: pulumi.interpolate`integrations/${integration.id}` }, parent);
    this.stage = new aws.apigatewayv2.Stage(
      `${name}-api`,
      {
        apiId: this.api.id,
        name: "$default",
        autoDeploy: true,
        accessLogSettings: { destinationArn: accessLogs.arn, format: API_ACCESS_LOG_FORMAT },
        defaultRouteSettings: { throttlingRateLimit: settings.throttle.ratePerSecond, throttlingBurstLimit: settings.throttle.burst },
        tags,
      },
      parent,
    );
    new aws.lambda.Permission(
      `${name}-api-invoke`,
      {
        action: "lambda:InvokeFunction",
        function: this.function.name,
        qualifier: this.alias.name,
        principal: "apigateway.amazonaws.com",
        sourceArn: pulumi.interpolate`${this.api.executionArn}/*/*`,
      },
      parent,
    );
    const origin = originDomainName(env.dns.domainName);
    const zone = aws.route53.getZoneOutput({ name: env.dns.hostedZoneName, privateZone: false }, parent);
    const { validation } = dnsValidatedCertificate(
      { certificate: `${name}-origin-cert`, record: `${name}-origin-cert-record`, validation: `${name}-origin-cert-validation` },
      { domainName: origin, zoneId: zone.zoneId, tags },
      parent,
      parent,
    );
    const domain = new aws.apigatewayv2.DomainName(
      `${name}-origin`,
      { domainName: origin, domainNameConfiguration: { certificateArn: validation.certificateArn, endpointType: "REGIONAL", securityPolicy: "TLS_1_2" }, tags },
      parent,
    );
    new aws.apigatewayv2.ApiMapping(`${name}-origin`, { apiId: this.api.id, domainName: domain.id, stage: this.stage.id }, parent);
    new aws.route53.Record(
      `${name}-origin-record`,
      {
        zoneId: zone.zoneId,
        name: origin,
        type: "A",
        aliases: [{ name: domain.domainNameConfiguration.targetDomainName, zoneId: domain.domainNameConfiguration.hostedZoneId, evaluateTargetHealth: false }],
      },
      parent,
    );

    // ---- Alarms: the same keys and thresholds as the other platforms, measured at the API; and the function's own ----
    const t = serviceAlarmThresholds(env);
    const apiDimensions = { ApiId: this.api.id, Stage: "$default" };
    const target = { environmentName: env.name, alertTopicArn: args.alertTopicArn, tags };
    const twoOfThreeMinutes = { evaluationPeriods: 3, datapointsToAlarm: 2, treatMissingData: "notBreaching" } as const;
    const fiveXx = serviceAlarm(
      name,
      "service-5xx-rate",
      target,
      {
        ...twoOfThreeMinutes,
        alarmDescription: alarmDescription(
          "service-5xx-rate",
          `${env.name}: more than ${t.fiveXxRatePercent}% of requests through the API answered 5xx in 2 of 3 minutes (the canary's share included). Gates the alias's canary.`,
        ),
        comparisonOperator: "GreaterThanThreshold",
        threshold: t.fiveXxRatePercent,
        metricQueries: [
          {
            id: "requests",
            returnData: false,
            metric: { namespace: "AWS/ApiGateway", metricName: "Count", dimensions: apiDimensions, period: 60, stat: "Sum" },
          },
          { id: "errors", returnData: false, metric: { namespace: "AWS/ApiGateway", metricName: "5xx", dimensions: apiDimensions, period: 60, stat: "Sum" } },
          { id: "rate", label: "5xx % of requests", returnData: true, expression: "IF(requests > 0, 100 * FILL(errors, 0) / requests, 0)" },
        ],
      },
      parent,
    );
    const p99 = serviceAlarm(
      name,
      "service-p99-latency",
      target,
      {
        ...twoOfThreeMinutes,
        alarmDescription: alarmDescription(
          "service-p99-latency",
          `${env.name}: p99 latency through the API above ${env.deployment.alarmP99LatencyMs} ms in 2 of 3 minutes (cold starts included). Gates the alias's canary.`,
        ),
        comparisonOperator: "GreaterThanThreshold",
        // API Gateway reports Latency in milliseconds, the ALB in seconds.
        threshold: env.deployment.alarmP99LatencyMs,
        namespace: "AWS/ApiGateway",
        metricName: "Latency",
        dimensions: apiDimensions,
        period: 60,
        extendedStatistic: "p99",
      },
      parent,
    );
    // Every version counts (FunctionName, not the alias): the canary's share moves the rate as on the other platforms.
    const functionMetric = (id: string, metricName: string) => ({
      id,
      returnData: false,
      metric: { namespace: "AWS/Lambda", metricName, dimensions: { FunctionName: functionName }, period: 60, stat: "Sum" },
    });
    const errors = serviceAlarm(
      name,
      "function-errors",
      target,
      {
        ...twoOfThreeMinutes,
        alarmDescription: alarmDescription(
          "function-errors",
          `${env.name}: more than ${t.fiveXxRatePercent}% of the invocations of ${functionName} failed (uncaught errors, timeouts, out of memory) in 2 of 3 minutes. Gates the alias's canary.`,
        ),
        comparisonOperator: "GreaterThanThreshold",
        threshold: t.fiveXxRatePercent,
        metricQueries: [
          functionMetric("invocations", "Invocations"),
          functionMetric("errors", "Errors"),
          { id: "rate", label: "Errors % of invocations", returnData: true, expression: "IF(invocations > 0, 100 * FILL(errors, 0) / invocations, 0)" },
        ],
      },
      parent,
    );
    // A throttled request is never an invocation: the rate is of all requests the function was asked to take.
    const throttles = serviceAlarm(
      name,
      "function-throttles",
      target,
      {
        ...twoOfThreeMinutes,
        alarmDescription: alarmDescription(
          "function-throttles",
          `${env.name}: more than ${t.fiveXxRatePercent}% of the requests to ${functionName} were throttled at its reserved concurrency (${settings.reservedConcurrency}) in 2 of 3 minutes. Gates the alias's canary.`,
        ),
        comparisonOperator: "GreaterThanThreshold",
        threshold: t.fiveXxRatePercent,
        metricQueries: [
          functionMetric("invocations", "Invocations"),
          functionMetric("throttles", "Throttles"),
          {
            id: "rate",
            label: "Throttled % of requests",
            returnData: true,
            expression: "IF(FILL(invocations, 0) + FILL(throttles, 0) > 0, 100 * FILL(throttles, 0) / (FILL(invocations, 0) + FILL(throttles, 0)), 0)",
          },
        ],
      },
      parent,
    );
    const gate = [fiveXx, p99, errors, throttles];

    const dashboard = new aws.cloudwatch.Dashboard(
      `${name}-dashboard`,
      {
        dashboardName: `${env.name}-release-ledger`,
        dashboardBody: pulumi
          .all([this.api.id, this.proxy.name, pulumi.all(gate.map((alarm) => alarm.arn))])
          .apply(([apiId, proxyName, gateArns]) => JSON.stringify(lambdaDashboard(env, functionName, apiId, proxyName, gateArns))),
      },
      parent,
    );

    this.serviceName = pulumi.output(functionName);
    this.functionName = this.function.name;
    this.publishedVersion = this.function.version;
    this.liveVersion = this.alias.functionVersion;
    this.codeDigest = this.function.codeSha256.apply((sha) => (sha ? codeDigestOf(sha) : ""));
    this.logGroupName = logGroup.name;
    this.apiAccessLogGroupName = accessLogs.name;
    this.proxyEndpoint = this.proxy.endpoint;
    this.originDomainName = pulumi.output(origin);
    this.dashboardName = dashboard.dashboardName;
    this.alarmNames = pulumi.all(gate.map((alarm) => alarm.name));
    this.deploymentAlarmNames = pulumi.all(gate.map((alarm) => alarm.name));
    this.registerOutputs({
      serviceName: this.serviceName,
      functionName: this.functionName,
      publishedVersion: this.publishedVersion,
      liveVersion: this.liveVersion,
      codeDigest: this.codeDigest,
      logGroupName: this.logGroupName,
      apiAccessLogGroupName: this.apiAccessLogGroupName,
      proxyEndpoint: this.proxyEndpoint,
      originDomainName: this.originDomainName,
      dashboardName: this.dashboardName,
      alarmNames: this.alarmNames,
      deploymentAlarmNames: this.deploymentAlarmNames,
    });
  }
}

/**
 * Requests, errors and latency at the API; duration, concurrency and throttles of the function; the proxy's
 * connections; and the state of the alarms that gate a canary (gateAlarmArns; none shown when empty).
 */
export function lambdaDashboard(
  env: Pick<Environment, "awsRegion" | "name">,
  functionName: string,
  apiId: string,
  proxyName: string,
  gateAlarmArns: readonly string[] = [],
): { widgets: object[] } {
  const widget = (title: string, metrics: unknown[][], y: number, x: number, stat = "Sum") => ({
    type: "metric",
    x,
    y,
    width: 12,
    height: 6,
    properties: { title, region: env.awsRegion, period: 60, stat, view: "timeSeries", metrics },
  });
  const api = ["AWS/ApiGateway"];
  const fn = ["AWS/Lambda"];
  return {
    widgets: [
      widget(
        "Requests and errors (API)",
        [
          [...api, "Count", "ApiId", apiId],
          [...api, "4xx", "ApiId", apiId],
          [...api, "5xx", "ApiId", apiId],
        ],
        0,
        0,
      ),
      widget(
        "Latency p99 (API, ms)",
        [
          [...api, "Latency", "ApiId", apiId],
          [...api, "IntegrationLatency", "ApiId", apiId],
        ],
        0,
        12,
        "p99",
      ),
      widget(
        "Function: errors and throttles",
        [
          [...fn, "Errors", "FunctionName", functionName],
          [...fn, "Throttles", "FunctionName", functionName],
        ],
        6,
        0,
      ),
      widget("Function: concurrency", [[...fn, "ConcurrentExecutions", "FunctionName", functionName]], 6, 12, "Maximum"),
      widget("Function: duration p99 (ms)", [[...fn, "Duration", "FunctionName", functionName]], 12, 0, "p99"),
      widget(
        "RDS Proxy: connections",
        [
          ["AWS/RDS", "ClientConnections", "ProxyName", proxyName],
          ["AWS/RDS", "DatabaseConnections", "ProxyName", proxyName],
        ],
        12,
        12,
        "Maximum",
      ),
      ...(gateAlarmArns.length === 0
        ? []
        : [{ type: "alarm", x: 0, y: 18, width: 24, height: 3, properties: { title: "Alarms that gate a canary", alarms: [...gateAlarmArns] } }]),
    ],
  };
}

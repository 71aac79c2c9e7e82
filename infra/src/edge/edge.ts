import * as aws from "@pulumi/aws";
import * as pulumi from "@pulumi/pulumi";
import { dnsValidatedCertificate } from "../dns/validated-certificate";
import type { Environment } from "../environment/environment";
import { keptOnDestroy, recoveredDomainName } from "../environment/recovery";
import { alarmDescription } from "../observability/runbooks";
import {
  CLOUDFRONT_LOG_DELIVERY_CANONICAL_ID,
  MANAGED_CACHE_POLICY_CACHING_DISABLED,
  MANAGED_ORIGIN_REQUEST_POLICY_ALL_VIEWER_EXCEPT_HOST,
  ORIGIN_SSL_PROTOCOLS,
  securityHeadersConfig,
  subscriptionSuffix,
  VIEWER_MINIMUM_PROTOCOL,
  wafMetricName,
  wafRules,
} from "./edge-policy";

/** CloudFront's certificates, web ACLs, metrics (and so its alarms) and WAF logs live in this region. */
export const CLOUDFRONT_REGION = "us-east-1";

export interface EdgeArgs {
  /** Environment name: it prefixes the web ACL, WAF log group, alarm and topic names. */
  readonly environmentName: string;
  /** The service's public name (environment.dns.domainName): the distribution's alias and its certificate. */
  readonly domainName: string;
  /** Public hosted zone that holds domainName (environment.dns.hostedZoneName). */
  readonly hostedZoneName: string;
  /** Requests one IP may send per 5 minutes before WAF blocks it (args.rateLimitPer5Min). */
  readonly rateLimitPer5Min: number;
  /** Addresses the CloudFront alarm mails, at least one (args.alertEmails). No default. */
  readonly alertEmails: readonly string[];
  /** Percent of responses answered 5xx that raises the CloudFront alarm (args.alarm5xxRatePercent). */
  readonly alarm5xxRatePercent: number;
  /** Days the WAF logs and the access logs are kept (args.logRetentionDays). */
  readonly logRetentionDays: number;
  /** Production: the access-log bucket is never emptied on delete (unless disposable). */
  readonly isProduction: boolean;
  /** A restore drill's copy (platform-compute:disposable): the access-log bucket is emptied on delete. Default false. */
  readonly disposable?: boolean | undefined;
  /** Host name CloudFront connects to: origin.<domainName>, the ALB, serving HTTPS with its own regional certificate. */
  readonly originDomainName: pulumi.Input<string>;
  /**
   * Header (with a secret value) CloudFront adds to every origin request; the ALB forwards only requests
   * that carry it (WebService originVerifyHeader). Default: none.
   */
  readonly originVerifyHeader?: { readonly name: string; readonly value: pulumi.Input<string> };
  /** Tags for every taggable resource (layerTags(environment, "compute")). */
  readonly tags: Record<string, string>;
  /**
   * Host names of the environment this one recovers (a recovery environment only; default none): the
   * certificate names them too, validated by that environment's own record, because CloudFront moves a host
   * name to a distribution (devctl dr cutover) only when its certificate covers the name.
   */
  readonly cutoverHostNames?: readonly string[];
  /**
   * The cutover host names are this distribution's now (`devctl dr cutover` moved them here): it keeps them as
   * aliases, so a deploy does not take them off the edge that serves them. Default false.
   */
  readonly servingCutover?: boolean | undefined;
  /**
   * Provider in us-east-1: CloudFront certificates, CLOUDFRONT-scope web ACLs and CloudFront metrics live there.
   * Required. Like every component, Edge takes its home-region provider in opts.provider and a provider for
   * another region as an arg (Database and ImageReplication: drProvider).
   */
  readonly usEast1Provider: aws.Provider;
}

/** EdgeArgs an environment decides: everything but the origin, the tags and the providers. */
export type EdgeSettings = Omit<EdgeArgs, "originDomainName" | "originVerifyHeader" | "tags" | "usEast1Provider">;

/** The environment's settings the edge reads, as EdgeArgs names them. */
export function edgeSettings(environment: Environment): EdgeSettings {
  return {
    environmentName: environment.name,
    domainName: environment.dns.domainName,
    hostedZoneName: environment.dns.hostedZoneName,
    rateLimitPer5Min: environment.waf.rateLimitPer5Min,
    alertEmails: environment.alertEmails,
    alarm5xxRatePercent: environment.deployment.alarm5xxRatePercent,
    logRetentionDays: environment.logRetentionDays,
    isProduction: environment.isProduction,
    cutoverHostNames: environment.recovery.of !== undefined ? [recoveredDomainName(environment.dns.domainName)] : [],
  };
}

/**
 * The public front door of one environment: CloudFront with the environment's domain and a us-east-1 ACM
 * certificate validated by DNS, a WAF web ACL (managed rule groups + a per-IP rate limit), a security
 * headers policy, standard access logs to S3, Route 53 alias records and an alarm on CloudFront's 5xx rate.
 */
export class Edge extends pulumi.ComponentResource {
  readonly distributionId: pulumi.Output<string>;
  readonly distributionArn: pulumi.Output<string>;
  /** The distribution's own name, <id>.cloudfront.net. */
  readonly domainName: pulumi.Output<string>;
  readonly webAclArn: pulumi.Output<string>;
  /** https://<environment.dns.domainName> */
  readonly serviceUrl: pulumi.Output<string>;
  /** The viewer certificate (us-east-1). */
  readonly certificateArn: pulumi.Output<string>;
  /** Bucket holding CloudFront's access logs. */
  readonly accessLogBucketName: pulumi.Output<string>;
  /** The CloudFront 5xx-rate alarm; it lives in us-east-1, not in the environment's region. */
  readonly cdnAlarmName: pulumi.Output<string>;
  /** us-east-1 topic the CloudFront alarm notifies (an alarm can only notify a topic in its own region). */
  readonly cdnAlertTopicArn: pulumi.Output<string>;

  constructor(name: string, args: EdgeArgs, opts: pulumi.ComponentResourceOptions = {}) {
    super("platform:edge:Edge", name, {}, opts);
    const { environmentName, domainName, hostedZoneName, tags, usEast1Provider } = args;
    if (!usEast1Provider) {
      throw new pulumi.ResourceError("Edge needs args.usEast1Provider: CloudFront certificates and web ACLs must be created in us-east-1.", this);
    }
    if (args.alertEmails.length === 0) {
      throw new pulumi.ResourceError(
        `Environment ${environmentName} has no alertEmails; the CloudFront alarm would notify nobody. Add platform:alertEmails.`,
        this,
      );
    }
    const here = { parent: this };
    const usEast1 = { parent: this, provider: usEast1Provider };

    const zone = aws.route53.getZoneOutput({ name: hostedZoneName, privateZone: false }, here);

    // --- Viewer certificate: CloudFront only accepts ACM certificates from us-east-1.
    const namesValidatedElsewhere = [...(args.cutoverHostNames ?? [])];
    const { validation } = dnsValidatedCertificate(
      { certificate: `${name}-certificate`, record: `${name}-certificate-validation`, validation: `${name}-certificate` },
      { domainName, namesValidatedElsewhere, zoneId: zone.zoneId, tags: { ...tags, Name: domainName } },
      usEast1,
      here,
    );

    // --- WAF: CLOUDFRONT scope is only available in us-east-1.
    const metricPrefix = `${environmentName}-edge`;
    const webAcl = new aws.wafv2.WebAcl(
      `${name}-waf`,
      {
        name: `${environmentName}-release-ledger-edge`,
        scope: "CLOUDFRONT",
        description: `Managed rule groups and a per-IP rate limit in front of ${domainName}`,
        defaultAction: { allow: {} },
        rules: wafRules(args.rateLimitPer5Min, metricPrefix),
        visibilityConfig: { cloudwatchMetricsEnabled: true, sampledRequestsEnabled: true, metricName: wafMetricName(metricPrefix, "web-acl") },
        tags,
      },
      usEast1,
    );

    // --- WAF logs: a CLOUDFRONT-scope web ACL logs only to us-east-1, and only into a log group whose name
    // starts with aws-waf-logs-. The Authorization header (bearer tokens, API keys) never reaches the logs.
    const wafCaller = aws.getCallerIdentityOutput({}, usEast1);
    const wafPartition = aws.getPartitionOutput({}, usEast1);
    const wafLogGroup = new aws.cloudwatch.LogGroup(
      `${name}-waf-logs`,
      { name: `aws-waf-logs-${environmentName}`, retentionInDays: args.logRetentionDays, tags },
      usEast1,
    );
    const wafLogGroupArn = pulumi.interpolate`arn:${wafPartition.partition}:logs:${CLOUDFRONT_REGION}:${wafCaller.accountId}:log-group:${wafLogGroup.name}`;
    // WAF would add a delivery policy itself when the deploying role may; declaring it keeps it scoped to this
    // account (confused deputy) and under Pulumi's control.
    const wafLogPolicy = new aws.cloudwatch.LogResourcePolicy(
      `${name}-waf-log-delivery`,
      {
        policyName: `aws-waf-logs-${environmentName}-delivery`,
        policyDocument: pulumi.jsonStringify({
          Version: "2012-10-17",
          Statement: [
            {
              Sid: "WafLogDelivery",
              Effect: "Allow",
              Principal: { Service: "delivery.logs.amazonaws.com" },
              Action: ["logs:CreateLogStream", "logs:PutLogEvents"],
              Resource: [pulumi.interpolate`${wafLogGroupArn}:log-stream:*`],
              Condition: {
                StringEquals: { "aws:SourceAccount": wafCaller.accountId },
                ArnLike: { "aws:SourceArn": pulumi.interpolate`arn:${wafPartition.partition}:logs:${CLOUDFRONT_REGION}:${wafCaller.accountId}:*` },
              },
            },
          ],
        }),
      },
      usEast1,
    );
    new aws.wafv2.WebAclLoggingConfiguration(
      `${name}-waf-logging`,
      {
        resourceArn: webAcl.arn,
        logDestinationConfigs: [wafLogGroupArn],
        redactedFields: [{ singleHeader: { name: "authorization" } }],
      },
      { ...usEast1, dependsOn: [wafLogPolicy] },
    );

    const headers = new aws.cloudfront.ResponseHeadersPolicy(
      `${name}-security-headers`,
      { comment: `Security headers for ${domainName}`, securityHeadersConfig: securityHeadersConfig() },
      here,
    );

    // --- Access logs. CloudFront standard logging delivers through an S3 ACL grant to its log delivery
    // account, so this bucket keeps ACLs enabled (BucketOwnerPreferred: the bucket owner still owns every
    // object). Standard logging does not write to SSE-KMS buckets without key-policy changes, so SSE-S3.
    const logs = new aws.s3.Bucket(`${name}-logs`, { forceDestroy: !keptOnDestroy(args), tags }, here);
    const ownership = new aws.s3.BucketOwnershipControls(`${name}-logs`, { bucket: logs.id, rule: { objectOwnership: "BucketOwnerPreferred" } }, here);
    const publicAccess = new aws.s3.BucketPublicAccessBlock(
      `${name}-logs`,
      { bucket: logs.id, blockPublicAcls: true, ignorePublicAcls: true, blockPublicPolicy: true, restrictPublicBuckets: true },
      here,
    );
    const owner = aws.s3.getCanonicalUserIdOutput(here);
    const acl = new aws.s3.BucketAcl(
      `${name}-logs`,
      {
        bucket: logs.id,
        accessControlPolicy: {
          owner: { id: owner.id },
          grants: [
            { grantee: { type: "CanonicalUser", id: owner.id }, permission: "FULL_CONTROL" },
            { grantee: { type: "CanonicalUser", id: CLOUDFRONT_LOG_DELIVERY_CANONICAL_ID }, permission: "FULL_CONTROL" },
          ],
        },
      },
      { ...here, dependsOn: [ownership, publicAccess] },
    );
    new aws.s3.BucketServerSideEncryptionConfiguration(
      `${name}-logs`,
      { bucket: logs.id, rules: [{ applyServerSideEncryptionByDefault: { sseAlgorithm: "AES256" } }] },
      here,
    );
    new aws.s3.BucketLifecycleConfiguration(
      `${name}-logs`,
      {
        bucket: logs.id,
        rules: [
          {
            id: "expire-access-logs",
            status: "Enabled",
            filter: {},
            expiration: { days: args.logRetentionDays },
            abortIncompleteMultipartUpload: { daysAfterInitiation: 1 },
          },
        ],
      },
      here,
    );
    new aws.s3.BucketPolicy(
      `${name}-logs`,
      {
        bucket: logs.id,
        policy: pulumi.jsonStringify({
          Version: "2012-10-17",
          Statement: [
            {
              Sid: "DenyInsecureTransport",
              Effect: "Deny",
              Principal: "*",
              Action: "s3:*",
              Resource: [logs.arn, pulumi.interpolate`${logs.arn}/*`],
              Condition: { Bool: { "aws:SecureTransport": "false" } },
            },
          ],
        }),
      },
      { ...here, dependsOn: [publicAccess] },
    );

    // --- The distribution. The API is dynamic: nothing is cached, every viewer header but Host goes to
    // the origin, and CloudFront talks to origin.<domain> over TLS 1.2 only.
    const originId = "alb";
    const distribution = new aws.cloudfront.Distribution(
      name,
      {
        enabled: true,
        comment: `${environmentName}: ${domainName}`,
        aliases: [domainName, ...(args.servingCutover === true ? (args.cutoverHostNames ?? []) : [])],
        isIpv6Enabled: true,
        httpVersion: "http2and3",
        // North America and Europe only: the service's users and its region are there.
        priceClass: "PriceClass_100",
        origins: [
          {
            originId,
            domainName: args.originDomainName,
            customHeaders: args.originVerifyHeader ? [{ name: args.originVerifyHeader.name, value: args.originVerifyHeader.value }] : undefined,
            customOriginConfig: {
              httpPort: 80,
              httpsPort: 443,
              originProtocolPolicy: "https-only",
              originSslProtocols: [...ORIGIN_SSL_PROTOCOLS],
              originReadTimeout: 30,
              originKeepaliveTimeout: 5,
            },
          },
        ],
        defaultCacheBehavior: {
          targetOriginId: originId,
          viewerProtocolPolicy: "redirect-to-https",
          allowedMethods: ["GET", "HEAD", "OPTIONS", "PUT", "POST", "PATCH", "DELETE"],
          cachedMethods: ["GET", "HEAD"],
          cachePolicyId: MANAGED_CACHE_POLICY_CACHING_DISABLED,
          originRequestPolicyId: MANAGED_ORIGIN_REQUEST_POLICY_ALL_VIEWER_EXCEPT_HOST,
          responseHeadersPolicyId: headers.id,
          compress: true,
        },
        restrictions: { geoRestriction: { restrictionType: "none" } },
        viewerCertificate: {
          acmCertificateArn: validation.certificateArn,
          sslSupportMethod: "sni-only",
          minimumProtocolVersion: VIEWER_MINIMUM_PROTOCOL,
        },
        loggingConfig: { bucket: logs.bucketDomainName, prefix: "cloudfront/", includeCookies: false },
        webAclId: webAcl.arn,
        tags,
      },
      { ...here, dependsOn: [acl] },
    );

    for (const type of ["A", "AAAA"] as const) {
      new aws.route53.Record(
        `${name}-alias-${type.toLowerCase()}`,
        {
          zoneId: zone.zoneId,
          name: domainName,
          type,
          aliases: [{ name: distribution.domainName, zoneId: distribution.hostedZoneId, evaluateTargetHealth: false }],
        },
        here,
      );
    }

    // --- CloudFront publishes its metrics only in us-east-1, and an alarm can only notify an SNS topic in
    // its own region, so the environment's regional alert topic cannot be the action here. A small
    // encrypted us-east-1 topic with the same e-mail subscribers carries this one alarm instead.
    const caller = aws.getCallerIdentityOutput({}, usEast1);
    const partition = aws.getPartitionOutput({}, usEast1);
    const alertKey = new aws.kms.Key(
      `${name}-alerts`,
      {
        description: `Encrypts the ${environmentName} CloudFront alarm topic (us-east-1)`,
        enableKeyRotation: true,
        deletionWindowInDays: 30,
        policy: pulumi.jsonStringify({
          Version: "2012-10-17",
          Statement: [
            {
              Sid: "AccountAdministersKey",
              Effect: "Allow",
              Principal: { AWS: pulumi.interpolate`arn:${partition.partition}:iam::${caller.accountId}:root` },
              Action: "kms:*",
              Resource: "*",
            },
            {
              Sid: "CloudWatchAlarmsPublish",
              Effect: "Allow",
              Principal: { Service: "cloudwatch.amazonaws.com" },
              Action: ["kms:Decrypt", "kms:GenerateDataKey*"],
              Resource: "*",
              // Only this account's alarms in this region: no other account's CloudWatch can use the key.
              Condition: {
                StringEquals: { "aws:SourceAccount": caller.accountId },
                ArnLike: { "aws:SourceArn": pulumi.interpolate`arn:${partition.partition}:cloudwatch:${CLOUDFRONT_REGION}:${caller.accountId}:alarm:*` },
              },
            },
          ],
        }),
        tags,
      },
      usEast1,
    );
    const alertTopic = new aws.sns.Topic(
      `${name}-alerts`,
      { displayName: `${environmentName} CloudFront alarms`, kmsMasterKeyId: alertKey.arn, tags },
      usEast1,
    );
    for (const email of args.alertEmails) {
      // Each recipient confirms once (SNS e-mail subscriptions start as PendingConfirmation).
      new aws.sns.TopicSubscription(`${name}-alerts-${subscriptionSuffix(email)}`, { topic: alertTopic.arn, protocol: "email", endpoint: email }, usEast1);
    }
    const threshold = args.alarm5xxRatePercent;
    const cdnAlarm = new aws.cloudwatch.MetricAlarm(
      `${name}-5xx-rate`,
      {
        name: `${environmentName}-release-ledger-cdn-5xx-rate`,
        alarmDescription: alarmDescription(
          "cdn-5xx-rate",
          `CloudFront 5xx error rate for ${domainName} above ${threshold}% in 2 of 3 five-minute periods. This alarm lives in us-east-1.`,
        ),
        namespace: "AWS/CloudFront",
        metricName: "5xxErrorRate",
        dimensions: { DistributionId: distribution.id, Region: "Global" },
        statistic: "Average",
        period: 300,
        evaluationPeriods: 3,
        datapointsToAlarm: 2,
        threshold,
        comparisonOperator: "GreaterThanThreshold",
        // No requests is not an error; an outage with traffic still produces 5xx datapoints.
        treatMissingData: "notBreaching",
        alarmActions: [alertTopic.arn],
        okActions: [alertTopic.arn],
        tags,
      },
      usEast1,
    );

    this.distributionId = distribution.id;
    this.distributionArn = distribution.arn;
    this.domainName = distribution.domainName;
    this.webAclArn = webAcl.arn;
    this.serviceUrl = pulumi.output(`https://${domainName}`);
    this.certificateArn = validation.certificateArn;
    this.accessLogBucketName = logs.bucket;
    this.cdnAlarmName = cdnAlarm.name;
    this.cdnAlertTopicArn = alertTopic.arn;
    this.registerOutputs({
      distributionId: this.distributionId,
      distributionArn: this.distributionArn,
      domainName: this.domainName,
      webAclArn: this.webAclArn,
      serviceUrl: this.serviceUrl,
      certificateArn: this.certificateArn,
      accessLogBucketName: this.accessLogBucketName,
      cdnAlarmName: this.cdnAlarmName,
      cdnAlertTopicArn: this.cdnAlertTopicArn,
    });
  }
}

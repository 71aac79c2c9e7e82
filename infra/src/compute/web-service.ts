import * as aws from "@pulumi/aws";
import * as pulumi from "@pulumi/pulumi";
import { dnsValidatedCertificate } from "../dns/validated-certificate";
import { workloadBoundaryArn } from "../layers/permissions-boundary";
import type { Environment } from "../environment/environment";
import { serviceContainerDefinition, TMP_VOLUME_NAME } from "./container-definition";
import { validateOriginVerifyHeaderName, type OriginVerifyHeader } from "./origin-verify";
import { deploymentPlan, type DeploymentPlan } from "./deployment-plan";
import { ALB_LOG_PREFIX, albAccessLogs } from "./alb-access-logs";
import { ecsInfrastructureTrustPolicy, ecsTasksTrustPolicy, executionRolePolicy, taskRolePolicy } from "./iam-policies";
import { ServiceAlarms } from "./service-alarms";
import { deregistrationDelaySeconds } from "./shutdown-timing";
import { meshAlarm, withMeshAlarm, type MeshMetrics } from "./mesh/mesh-metrics";
import { ServiceConnect, serviceConnectMetrics } from "./mesh/service-connect";

/** TLS policy of the HTTPS listener: TLS 1.3 with TLS 1.2 fallback, forward-secret ciphers only. */
export const ALB_TLS_POLICY = "ELBSecurityPolicy-TLS13-1-2-2021-06";
/** Path the target groups health-check: readiness (database reachable, migrations applied). */
export const READINESS_PATH = "/readyz";
/** Host name the ALB answers on (CloudFront's origin): origin.<domainName>. */
export function originDomainName(domainName: string): string {
  return `origin.${domainName}`;
}
/** Prefix of the ALB access logs in their bucket. */

export interface WebServiceArgs {
  readonly environment: Environment;
  /** Image to run, pinned by digest (<repository>@sha256:<hex>). */
  readonly imageRef: pulumi.Input<string>;
  /** ECR repositories the execution role may pull from (the image's). */
  readonly pullRepositoryArns: pulumi.Input<string[]>;
  readonly vpcId: pulumi.Input<string>;
  /** Subnets of the internet-facing ALB. */
  readonly publicSubnetIds: pulumi.Input<string[]>;
  /** Subnets of the tasks (no public IP; egress through NAT and VPC endpoints). */
  readonly privateSubnetIds: pulumi.Input<string[]>;
  readonly albSecurityGroupId: pulumi.Input<string>;
  readonly serviceSecurityGroupId: pulumi.Input<string>;
  /** Customer-managed key: log group encryption and the secrets' decryption. */
  readonly kmsKeyArn: pulumi.Input<string>;
  /** SNS topic every alarm notifies. */
  readonly alertTopicArn: pulumi.Input<string>;
  readonly database: {
    readonly host: pulumi.Input<string>;
    readonly port: pulumi.Input<number>;
    readonly name: pulumi.Input<string>;
    /** RDS-managed secret (JSON username/password): the startup migration only. */
    readonly masterSecretArn: pulumi.Input<string>;
    /** The service's own login (RDS-format JSON secret, rotated by Secrets Manager). */
    readonly appSecretArn: pulumi.Input<string>;
  };
  readonly redis: {
    readonly host: pulumi.Input<string>;
    readonly port: pulumi.Input<number>;
    /** Secret whose string is the AUTH token. */
    readonly authSecretArn: pulumi.Input<string>;
  };
  /**
   * Header CloudFront sends to the origin with a secret value (originVerifyHeader()). The HTTPS listener
   * forwards only requests carrying it and answers everything else 403. No default.
   */
  readonly originVerifyHeader: OriginVerifyHeader;
  /**
   * What sends the header (the Edge): the rule that requires it changes only after they are deployed, so
   * introducing or rotating the secret never refuses CloudFront's requests mid-rollout. Default: none.
   */
  readonly originHeaderSenders?: pulumi.Input<pulumi.Resource>[];
  /** ECS service name (fixed, so alarms can name it before it exists). Default: release-ledger. */
  readonly serviceName?: string;
  /** Container name. Default: service. */
  readonly containerName?: string;
  /** Average CPU autoscaling keeps the tasks at. Default: 60 %. */
  readonly cpuTargetPercent?: number;
  /** ALB requests per task per minute autoscaling aims for. Default: 600. */
  readonly requestsPerTaskPerMinute?: number;
  /** Time a new task has before failing ALB health checks counts. Default: 60 s. */
  readonly healthCheckGracePeriodSeconds?: number;
  readonly tags?: Record<string, string>;
}

/**
 * The service on ECS Fargate behind an internet-facing ALB: cluster, task definition, service with
 * circuit breaker and alarm rollback, rolling or progressive (canary/linear, blue/green target groups)
 * delivery, target-tracking autoscaling, the HTTPS origin (certificate, DNS) and the service alarms.
 */
export class WebService extends pulumi.ComponentResource {
  readonly plan: DeploymentPlan;
  readonly cluster: aws.ecs.Cluster;
  readonly service: aws.ecs.Service;
  readonly taskDefinition: aws.ecs.TaskDefinition;
  readonly logGroup: aws.cloudwatch.LogGroup;
  readonly executionRole: aws.iam.Role;
  readonly taskRole: aws.iam.Role;
  readonly loadBalancer: aws.lb.LoadBalancer;
  readonly targetGroups: aws.lb.TargetGroup[];
  readonly httpsListener: aws.lb.Listener;
  readonly httpListener: aws.lb.Listener;
  /** The HTTPS listener's one forwarding rule: only requests carrying the origin-verify header. */
  readonly productionRule: aws.lb.ListenerRule;
  readonly alarms: ServiceAlarms;
  /** ECS Service Connect, when the environment's mesh.mode is service-connect. */
  readonly serviceConnect?: ServiceConnect;
  /** The mesh's metrics of the service (dashboard), when there is a mesh. */
  readonly meshMetrics?: pulumi.Output<MeshMetrics>;

  readonly clusterName: pulumi.Output<string>;
  readonly serviceName: pulumi.Output<string>;
  readonly albArn: pulumi.Output<string>;
  readonly albArnSuffix: pulumi.Output<string>;
  readonly albDnsName: pulumi.Output<string>;
  readonly targetGroupArns: pulumi.Output<string[]>;
  readonly targetGroupArnSuffixes: pulumi.Output<string[]>;
  readonly logGroupName: pulumi.Output<string>;
  /** origin.<domainName>: the name CloudFront reaches the ALB by. */
  readonly originDomainName: pulumi.Output<string>;
  readonly alarmNames: pulumi.Output<string[]>;
  readonly deploymentAlarmNames: pulumi.Output<string[]>;

  constructor(name: string, args: WebServiceArgs, opts?: pulumi.ComponentResourceOptions) {
    super("platform:compute:WebService", name, {}, opts);
    const env = args.environment;
    const parent = { parent: this };
    const tags = args.tags;
    const containerName = args.containerName ?? "service";
    const serviceName = args.serviceName ?? "release-ledger";
    const port = env.service.port;
    try {
      this.plan = deploymentPlan(env);
      validateOriginVerifyHeaderName(args.originVerifyHeader.name);
    } catch (error) {
      throw new pulumi.ResourceError((error as Error).message, this);
    }
    const progressive = this.plan.targetGroupCount === 2;
    const identity = aws.getCallerIdentityOutput({}, parent);
    const partition = aws.getPartitionOutput({}, parent);

    // ---- Logs, cluster, roles, task definition ----
    this.logGroup = new aws.cloudwatch.LogGroup(
      `${name}-logs`,
      { name: `/platform/${env.name}/${serviceName}`, retentionInDays: env.logRetentionDays, kmsKeyId: args.kmsKeyArn, tags },
      parent,
    );
    const permissionsBoundary = pulumi.all([partition.partition, identity.accountId]).apply(([part, account]) => workloadBoundaryArn(part, account));
    // The mesh (mesh.mode service-connect): its namespace is the cluster's default, its block the service's.
    this.serviceConnect =
      env.mesh.mode === "service-connect"
        ? new ServiceConnect(`${name}-mesh`, { environment: env, serviceName, logGroupName: this.logGroup.name, kmsKeyArn: args.kmsKeyArn, permissionsBoundary, tags }, parent)
        : undefined;
    this.cluster = new aws.ecs.Cluster(
      `${name}-cluster`,
      {
        settings: [{ name: "containerInsights", value: "enabled" }],
        ...(this.serviceConnect ? { serviceConnectDefaults: { namespace: this.serviceConnect.namespaceArn } } : {}),
        tags,
      },
      parent,
    );

    const trust = pulumi
      .all([identity.accountId, partition.partition])
      .apply(([account, part]) => JSON.stringify(ecsTasksTrustPolicy(account, part, env.awsRegion)));
    this.executionRole = new aws.iam.Role(
      `${name}-execution-role`,
      { description: `ECS agent for ${serviceName} (${env.name}): image pull, logs, secrets`, assumeRolePolicy: trust, permissionsBoundary, tags },
      parent,
    );
    new aws.iam.RolePolicy(
      `${name}-execution-policy`,
      {
        role: this.executionRole.id,
        policy: pulumi
          .all([args.pullRepositoryArns, this.logGroup.arn, args.database.appSecretArn, args.database.masterSecretArn, args.redis.authSecretArn, args.kmsKeyArn])
          .apply(([repositoryArns, logGroupArn, appSecret, masterSecret, redisSecret, kmsKeyArn]) =>
            JSON.stringify(executionRolePolicy({ repositoryArns, logGroupArn, secretArns: [appSecret, masterSecret, redisSecret], kmsKeyArn })),
          ),
      },
      parent,
    );
    // The service's one AWS call: re-reading its database secret after a rotation (metrics leave as EMF).
    this.taskRole = new aws.iam.Role(
      `${name}-task-role`,
      { description: `Task role of ${serviceName} (${env.name}): reads its own database secret, nothing else`, assumeRolePolicy: trust, permissionsBoundary, tags },
      parent,
    );
    new aws.iam.RolePolicy(
      `${name}-task-policy`,
      {
        role: this.taskRole.id,
        policy: pulumi
          .all([args.database.appSecretArn, args.kmsKeyArn])
          .apply(([secretArn, kmsKeyArn]) => JSON.stringify(taskRolePolicy({ secretArn, kmsKeyArn, region: env.awsRegion }))),
      },
      parent,
    );

    const containerDefinitions = pulumi
      .output({
        image: args.imageRef,
        dbHost: args.database.host,
        dbPort: args.database.port,
        dbName: args.database.name,
        dbAppSecret: args.database.appSecretArn,
        dbMasterSecret: args.database.masterSecretArn,
        redisHost: args.redis.host,
        redisPort: args.redis.port,
        redisSecret: args.redis.authSecretArn,
        logGroupName: this.logGroup.name,
      })
      .apply((v) =>
        JSON.stringify([
          serviceContainerDefinition({
            containerName,
            image: v.image,
            port,
            environmentName: env.name,
            shutdownTimeoutMs: env.service.shutdownTimeoutMs,
            oidc: env.oidc,
            database: { host: v.dbHost, port: v.dbPort, name: v.dbName, appSecretArn: v.dbAppSecret, masterSecretArn: v.dbMasterSecret },
            redis: { host: v.redisHost, port: v.redisPort, authSecretArn: v.redisSecret },
            logGroupName: v.logGroupName,
            region: env.awsRegion,
          }),
        ]),
      );
    this.taskDefinition = new aws.ecs.TaskDefinition(
      `${name}-task`,
      {
        family: `${env.name}-${serviceName}`,
        requiresCompatibilities: ["FARGATE"],
        networkMode: "awsvpc",
        cpu: String(env.service.cpu),
        memory: String(env.service.memoryMb),
        runtimePlatform: { operatingSystemFamily: "LINUX", cpuArchitecture: "X86_64" },
        executionRoleArn: this.executionRole.arn,
        taskRoleArn: this.taskRole.arn,
        volumes: [{ name: TMP_VOLUME_NAME }],
        containerDefinitions,
        tags,
      },
      parent,
    );

    // ---- Load balancer ----
    const accessLogs = albAccessLogs(name, env, tags, this);

    this.loadBalancer = new aws.lb.LoadBalancer(
      `${name}-alb`,
      {
        loadBalancerType: "application",
        internal: false,
        subnets: args.publicSubnetIds,
        securityGroups: [args.albSecurityGroupId],
        dropInvalidHeaderFields: true,
        enableDeletionProtection: env.isProduction,
        accessLogs: { bucket: accessLogs.bucket.id, prefix: ALB_LOG_PREFIX, enabled: true },
        tags,
      },
      { parent: this, dependsOn: accessLogs.ready },
    );

    const targetGroupArgs: aws.lb.TargetGroupArgs = {
      vpcId: args.vpcId,
      targetType: "ip",
      protocol: "HTTP",
      port,
      deregistrationDelay: deregistrationDelaySeconds(env.service.shutdownTimeoutMs),
      healthCheck: {
        enabled: true,
        path: READINESS_PATH,
        protocol: "HTTP",
        matcher: "200",
        interval: 15,
        timeout: 5,
        healthyThreshold: 2,
        unhealthyThreshold: 3,
      },
      tags,
    };
    // "blue" serves in every strategy, so switching rolling <-> canary renames nothing.
    const roles = progressive ? ["blue", "green"] : ["blue"];
    this.targetGroups = roles.map((role) => new aws.lb.TargetGroup(`${name}-${role}`, targetGroupArgs, parent));
    const blue = this.targetGroups[0]!;
    const green = this.targetGroups[1];

    // ---- Origin certificate and DNS ----
    const origin = originDomainName(env.dns.domainName);
    const zone = aws.route53.getZoneOutput({ name: env.dns.hostedZoneName, privateZone: false }, parent);
    const { validation } = dnsValidatedCertificate(
      { certificate: `${name}-origin-cert`, record: `${name}-origin-cert-record`, validation: `${name}-origin-cert-validation` },
      { domainName: origin, zoneId: zone.zoneId, tags },
      parent,
      parent,
    );

    // ---- Listeners ----
    this.httpListener = new aws.lb.Listener(
      `${name}-http`,
      {
        loadBalancerArn: this.loadBalancer.arn,
        port: 80,
        protocol: "HTTP",
        defaultActions: [{ type: "redirect", redirect: { protocol: "HTTPS", port: "443", statusCode: "HTTP_301" } }],
        tags,
      },
      parent,
    );
    this.httpsListener = new aws.lb.Listener(
      `${name}-https`,
      {
        loadBalancerArn: this.loadBalancer.arn,
        port: 443,
        protocol: "HTTPS",
        sslPolicy: ALB_TLS_POLICY,
        certificateArn: validation.certificateArn,
        // Only the production rule forwards, and only requests from our CloudFront (the origin-verify header);
        // anything that reaches the ALB otherwise gets a 403.
        defaultActions: [{ type: "fixed-response", fixedResponse: { contentType: "text/plain", messageBody: "Forbidden", statusCode: "403" } }],
        tags,
      },
      parent,
    );

    // One rule in every strategy, so switching rolling <-> canary renames nothing. In progressive delivery it
    // is the rule ECS moves the weights on (advancedConfiguration.productionListenerRule), so the header
    // condition holds for blue, green and every step between.
    this.productionRule = new aws.lb.ListenerRule(
      `${name}-production-rule`,
      {
        listenerArn: this.httpsListener.arn,
        priority: 100,
        conditions: [
          { pathPattern: { values: ["/*"] } },
          { httpHeader: { httpHeaderName: args.originVerifyHeader.name, values: [args.originVerifyHeader.value] } },
        ],
        actions: progressive && green
          ? [
              {
                type: "forward",
                forward: {
                  targetGroups: [
                    { arn: blue.arn, weight: 100 },
                    { arn: green.arn, weight: 0 },
                  ],
                },
              },
            ]
          : [{ type: "forward", targetGroupArn: blue.arn }],
        tags,
      },
      {
        parent: this,
        // ECS owns the weights once deployments start; Pulumi must not put them back.
        ignoreChanges: progressive ? ["actions"] : [],
        dependsOn: args.originHeaderSenders ?? [],
      },
    );

    let productionRule: aws.lb.ListenerRule | undefined;
    let infrastructureRole: aws.iam.Role | undefined;
    if (progressive && green) {
      productionRule = this.productionRule;
      infrastructureRole = new aws.iam.Role(
        `${name}-ecs-infrastructure-role`,
        {
          description: `Lets ECS shift ${serviceName} (${env.name}) traffic between target groups during deployments`,
          assumeRolePolicy: identity.accountId.apply((account) => JSON.stringify(ecsInfrastructureTrustPolicy(account))),
          permissionsBoundary,
          tags,
        },
        parent,
      );
      new aws.iam.RolePolicyAttachment(
        `${name}-ecs-infrastructure-policy`,
        {
          role: infrastructureRole.name,
          policyArn: pulumi.interpolate`arn:${partition.partition}:iam::aws:policy/AmazonECSInfrastructureRolePolicyForLoadBalancers`,
        },
        parent,
      );
    }

    new aws.route53.Record(
      `${name}-origin-record`,
      {
        zoneId: zone.zoneId,
        name: origin,
        type: "A",
        aliases: [{ name: this.loadBalancer.dnsName, zoneId: this.loadBalancer.zoneId, evaluateTargetHealth: true }],
      },
      parent,
    );

    // ---- Alarms (before the service: the deployment alarms are part of its definition) ----
    this.albArnSuffix = this.loadBalancer.arnSuffix;
    this.alarms = new ServiceAlarms(
      `${name}-alarms`,
      {
        environment: env,
        alertTopicArn: args.alertTopicArn,
        albArnSuffix: this.albArnSuffix,
        targetGroupArnSuffixes: this.targetGroups.map((tg) => tg.arnSuffix),
        clusterName: this.cluster.name,
        serviceName,
        tags,
      },
      parent,
    );

    // The mesh's own 5xx alarm rolls a deployment back too: a release that fails its callers inside the mesh.
    this.meshMetrics = this.serviceConnect ? this.cluster.name.apply((cluster) => serviceConnectMetrics(cluster, serviceName)) : undefined;
    const meshAlarmResource = this.meshMetrics
      ? meshAlarm(`${name}-mesh-5xx-rate`, env, this.meshMetrics, args.alertTopicArn, tags, parent)
      : undefined;
    const withMesh = (names: pulumi.Output<string[]>) => withMeshAlarm(names, meshAlarmResource);
    const deploymentAlarmNames = withMesh(this.alarms.deploymentAlarmNames);

    // ---- Service ----
    const loadBalancers: aws.types.input.ecs.ServiceLoadBalancer[] = [
      {
        targetGroupArn: blue.arn,
        containerName,
        containerPort: port,
        ...(productionRule && infrastructureRole && green
          ? {
              advancedConfiguration: {
                alternateTargetGroupArn: green.arn,
                productionListenerRule: productionRule.arn,
                roleArn: infrastructureRole.arn,
              },
            }
          : {}),
      },
    ];
    this.service = new aws.ecs.Service(
      name,
      {
        name: serviceName,
        cluster: this.cluster.arn,
        taskDefinition: this.taskDefinition.arn,
        launchType: "FARGATE",
        platformVersion: "LATEST",
        desiredCount: env.service.minTasks,
        deploymentMinimumHealthyPercent: 100,
        deploymentMaximumPercent: 200,
        healthCheckGracePeriodSeconds: args.healthCheckGracePeriodSeconds ?? 60,
        networkConfiguration: {
          subnets: args.privateSubnetIds,
          securityGroups: [args.serviceSecurityGroupId],
          assignPublicIp: false,
        },
        loadBalancers,
        ...(this.serviceConnect ? { serviceConnectConfiguration: this.serviceConnect.configuration } : {}),
        deploymentController: { type: "ECS" },
        deploymentConfiguration: this.plan.deploymentConfiguration,
        deploymentCircuitBreaker: { enable: true, rollback: true },
        alarms: { alarmNames: deploymentAlarmNames, enable: true, rollback: true },
        availabilityZoneRebalancing: "ENABLED",
        enableEcsManagedTags: true,
        propagateTags: "SERVICE",
        enableExecuteCommand: false,
        tags,
      },
      {
        parent: this,
        // Autoscaling owns the running count after creation.
        ignoreChanges: ["desiredCount"],
        dependsOn: [this.httpsListener, this.productionRule, ...(this.serviceConnect?.ready ?? [])],
      },
    );

    // ---- Autoscaling ----
    const scaling = new aws.appautoscaling.Target(
      `${name}-scaling`,
      {
        serviceNamespace: "ecs",
        scalableDimension: "ecs:service:DesiredCount",
        resourceId: pulumi.interpolate`service/${this.cluster.name}/${this.service.name}`,
        minCapacity: env.service.minTasks,
        maxCapacity: env.service.maxTasks,
        tags,
      },
      parent,
    );
    const scalingBase = {
      policyType: "TargetTrackingScaling",
      serviceNamespace: scaling.serviceNamespace,
      scalableDimension: scaling.scalableDimension,
      resourceId: scaling.resourceId,
    };
    new aws.appautoscaling.Policy(
      `${name}-scale-cpu`,
      {
        ...scalingBase,
        targetTrackingScalingPolicyConfiguration: {
          predefinedMetricSpecification: { predefinedMetricType: "ECSServiceAverageCPUUtilization" },
          targetValue: args.cpuTargetPercent ?? 60,
          scaleInCooldown: 300,
          scaleOutCooldown: 60,
        },
      },
      parent,
    );
    const requestsPerTask = args.requestsPerTaskPerMinute ?? 600;
    new aws.appautoscaling.Policy(
      `${name}-scale-requests`,
      {
        ...scalingBase,
        targetTrackingScalingPolicyConfiguration: progressive
          ? {
              // Blue/green swaps which target group serves after every release, so a per-target-group metric
              // would point at an empty group half the time: requests on the whole ALB per running task.
              customizedMetricSpecification: {
                metrics: [
                  {
                    id: "requests",
                    returnData: false,
                    metricStat: {
                      stat: "Sum",
                      metric: {
                        namespace: "AWS/ApplicationELB",
                        metricName: "RequestCount",
                        dimensions: [{ name: "LoadBalancer", value: this.albArnSuffix }],
                      },
                    },
                  },
                  {
                    id: "tasks",
                    returnData: false,
                    metricStat: {
                      stat: "Average",
                      metric: {
                        namespace: "ECS/ContainerInsights",
                        metricName: "RunningTaskCount",
                        dimensions: [
                          { name: "ClusterName", value: this.cluster.name },
                          { name: "ServiceName", value: this.service.name },
                        ],
                      },
                    },
                  },
                  { id: "perTask", label: "ALB requests per task", returnData: true, expression: "IF(tasks > 0, requests / tasks, requests)" },
                ],
              },
              targetValue: requestsPerTask,
              scaleInCooldown: 300,
              scaleOutCooldown: 60,
            }
          : {
              predefinedMetricSpecification: {
                predefinedMetricType: "ALBRequestCountPerTarget",
                resourceLabel: pulumi.interpolate`${this.albArnSuffix}/${blue.arnSuffix}`,
              },
              targetValue: requestsPerTask,
              scaleInCooldown: 300,
              scaleOutCooldown: 60,
            },
      },
      parent,
    );

    this.clusterName = this.cluster.name;
    this.serviceName = this.service.name;
    this.albArn = this.loadBalancer.arn;
    this.albDnsName = this.loadBalancer.dnsName;
    this.targetGroupArns = pulumi.all(this.targetGroups.map((tg) => tg.arn));
    this.targetGroupArnSuffixes = pulumi.all(this.targetGroups.map((tg) => tg.arnSuffix));
    this.logGroupName = this.logGroup.name;
    this.originDomainName = pulumi.output(origin);
    this.alarmNames = withMesh(this.alarms.alarmNames);
    this.deploymentAlarmNames = deploymentAlarmNames;
    this.registerOutputs({
      clusterName: this.clusterName,
      serviceName: this.serviceName,
      albArn: this.albArn,
      albArnSuffix: this.albArnSuffix,
      albDnsName: this.albDnsName,
      targetGroupArns: this.targetGroupArns,
      targetGroupArnSuffixes: this.targetGroupArnSuffixes,
      logGroupName: this.logGroupName,
      originDomainName: this.originDomainName,
      alarmNames: this.alarmNames,
      deploymentAlarmNames: this.deploymentAlarmNames,
    });
  }
}

import * as aws from "@pulumi/aws";
import * as pulumi from "@pulumi/pulumi";
import type { Environment } from "../environment/environment";
import { ECS_TARGET_GROUP_ROLES, type MigrationWeights } from "../environment/migration";
import { serviceRole } from "../iam/service-role";
import { deploymentPlan, type DeploymentPlan } from "./deployment-plan";
import { ecsInfrastructureTrustPolicy } from "./iam-policies";
import { originLoadBalancer } from "./origin-load-balancer";
import { validateOriginVerifyHeaderName } from "./origin-verify";
import type { PlatformServiceArgs } from "./platform-service-args";
import { ServiceAlarms } from "./service-alarms";
import { serviceScaling } from "./service-scaling";
import { meshAlarm, withMeshAlarm, type MeshMetrics } from "./mesh/mesh-metrics";
import { ServiceConnect, serviceConnectMetrics } from "./mesh/service-connect";
import { fargateTaskRuntime } from "./task-runtime";

export interface WebServiceArgs extends PlatformServiceArgs {
  /** Environment name: alarm names, the task family, the log group path, descriptions. */
  readonly environmentName: string;
  /** The environment's region (environment.awsRegion). */
  readonly region: string;
  /** Production: the ALB is deletion-protected, its log bucket kept on delete, and rolling delivery refused. */
  readonly isProduction: boolean;
  /** Days the service's logs and the ALB access logs are kept (environment.logRetentionDays). */
  readonly logRetentionDays: number;
  /** Task size, port, task counts and drain time (environment.service). */
  readonly service: Environment["service"];
  /** Delivery strategy and the alarm thresholds that roll a release back (environment.deployment). */
  readonly deployment: Environment["deployment"];
  /** How the service accepts people's logins (environment.oidc). */
  readonly oidc: Environment["oidc"];
  /** The service mesh (environment.mesh): with mode service-connect, ECS Service Connect fronts the service. */
  readonly mesh: Environment["mesh"];
  /** The environment's domain and its public hosted zone: the ALB answers on origin.<domainName>. */
  readonly dns: Pick<Environment["dns"], "domainName" | "hostedZoneName">;
  /** ECR repositories the execution role may pull from (the image's). */
  readonly pullRepositoryArns: pulumi.Input<string[]>;
  readonly serviceSecurityGroupId: pulumi.Input<string>;
  /** Container name. Default: service. */
  readonly containerName?: string;
  /** Average CPU autoscaling keeps the tasks at. Default: 60 %. */
  readonly cpuTargetPercent?: number;
  /** ALB requests per task per minute autoscaling aims for. Default: 600. */
  readonly requestsPerTaskPerMinute?: number;
  /** Time a new task has before failing ALB health checks counts. Default: 60 s. */
  readonly healthCheckGracePeriodSeconds?: number;
  /**
   * A migration to EKS under way (environment computeMigrateTo): the pods get a target group of their own beside
   * ECS's (podsTargetGroup), every group carries what the cluster needs to register pods, `weights` (devctl migrate)
   * split the production rule between ECS and the pods, and `drained` scales the tasks to zero and counts the
   * running copies as the pods' healthy targets. Default: no migration.
   */
  readonly migration?: { readonly drained: boolean; readonly targetGroupTags: Record<string, string>; readonly weights?: MigrationWeights | undefined };
}

/**
 * The service on ECS Fargate behind an internet-facing ALB: cluster, task runtime (fargateTaskRuntime), service
 * with circuit breaker and alarm rollback, rolling or progressive (canary/linear, blue/green target groups)
 * delivery, the origin (originLoadBalancer), target-tracking autoscaling (serviceScaling) and the service alarms.
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
  /** The pods' own target group while a migration to EKS runs (args.migration). */
  readonly podsTargetGroup?: aws.lb.TargetGroup;
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
    const parent = { parent: this };
    const tags = args.tags;
    const containerName = args.containerName ?? "service";
    const serviceName = args.serviceName ?? "release-ledger";
    const port = args.service.port;
    try {
      this.plan = deploymentPlan({ name: args.environmentName, isProduction: args.isProduction, deployment: args.deployment });
      validateOriginVerifyHeaderName(args.originVerifyHeader.name);
    } catch (error) {
      throw new pulumi.ResourceError((error as Error).message, this);
    }
    const progressive = this.plan.targetGroupCount === 2;
    const identity = aws.getCallerIdentityOutput({}, parent);
    const partition = aws.getPartitionOutput({}, parent);
    const account = { partition: partition.partition, accountId: identity.accountId };

    const runtime = fargateTaskRuntime(
      name,
      {
        environmentName: args.environmentName,
        region: args.region,
        account,
        serviceName,
        containerName,
        size: args.service,
        oidc: args.oidc,
        imageRef: args.imageRef,
        pullRepositoryArns: args.pullRepositoryArns,
        kmsKeyArn: args.kmsKeyArn,
        logRetentionDays: args.logRetentionDays,
        database: args.database,
        redis: args.redis,
        tags,
      },
      this,
    );
    ({ logGroup: this.logGroup, executionRole: this.executionRole, taskRole: this.taskRole, taskDefinition: this.taskDefinition } = runtime);
    // The mesh (mesh.mode service-connect): its namespace is the cluster's default, its block the service's.
    this.serviceConnect =
      args.mesh.mode === "service-connect"
        ? new ServiceConnect(
            `${name}-mesh`,
            {
              environmentName: args.environmentName,
              region: args.region,
              mesh: args.mesh,
              service: args.service,
              serviceName,
              logGroupName: this.logGroup.name,
              kmsKeyArn: args.kmsKeyArn,
              account,
              ...(tags === undefined ? {} : { tags }),
            },
            parent,
          )
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

    // "blue" serves in every strategy (the first role), so switching rolling <-> canary renames nothing.
    const origin = originLoadBalancer(
      name,
      {
        vpcId: args.vpcId,
        publicSubnetIds: args.publicSubnetIds,
        albSecurityGroupId: args.albSecurityGroupId,
        port,
        targetGroupRoles: progressive ? ECS_TARGET_GROUP_ROLES : [ECS_TARGET_GROUP_ROLES[0]],
        shutdownTimeoutMs: args.service.shutdownTimeoutMs,
        isProduction: args.isProduction,
        disposable: args.disposable,
        logRetentionDays: args.logRetentionDays,
        domainName: args.dns.domainName,
        hostedZoneName: args.dns.hostedZoneName,
        originVerifyHeader: args.originVerifyHeader,
        originHeaderSenders: args.originHeaderSenders,
        targetGroupTags: args.migration?.targetGroupTags,
        ...(args.migration ? { migration: { weights: args.migration.weights } } : {}),
        tags,
      },
      this,
    );
    this.podsTargetGroup = origin.podsTargetGroup;
    ({ loadBalancer: this.loadBalancer, targetGroups: this.targetGroups, httpListener: this.httpListener, httpsListener: this.httpsListener } = origin);
    this.productionRule = origin.productionRule;
    const blue = this.targetGroups[0]!;
    const green = this.targetGroups[1];

    // In progressive delivery ECS moves the production rule's weights, through a role of its own.
    const advancedConfiguration =
      progressive && green
        ? {
            alternateTargetGroupArn: green.arn,
            productionListenerRule: this.productionRule.arn,
            roleArn: this.infrastructureRole(name, serviceName, args, account).arn,
          }
        : undefined;

    // ---- Alarms (before the service: the deployment alarms are part of its definition) ----
    this.albArnSuffix = this.loadBalancer.arnSuffix;
    this.alarms = new ServiceAlarms(
      `${name}-alarms`,
      {
        environmentName: args.environmentName,
        deployment: args.deployment,
        service: args.service,
        alertTopicArn: args.alertTopicArn,
        albArnSuffix: this.albArnSuffix,
        // The pods' group too: a migration step that sends requests to unhealthy pods must show.
        targetGroupArnSuffixes: [...this.targetGroups, ...(this.podsTargetGroup ? [this.podsTargetGroup] : [])].map((tg) => tg.arnSuffix),
        clusterName: this.cluster.name,
        serviceName,
        // Drained, the tasks are gone on purpose: the copies that serve are the pods the ALB finds healthy.
        ...(args.migration?.drained && this.podsTargetGroup
          ? {
              runningCount: {
                namespace: "AWS/ApplicationELB",
                metricName: "HealthyHostCount",
                dimensions: { TargetGroup: this.podsTargetGroup.arnSuffix, LoadBalancer: this.loadBalancer.arnSuffix },
              },
            }
          : {}),
        tags,
      },
      parent,
    );

    // The mesh's own 5xx alarm rolls a deployment back too: a release that fails its callers inside the mesh.
    this.meshMetrics = this.serviceConnect ? this.cluster.name.apply((cluster) => serviceConnectMetrics(cluster, serviceName)) : undefined;
    const meshAlarmResource = this.meshMetrics
      ? meshAlarm(
          `${name}-mesh-5xx-rate`,
          { name: args.environmentName, deployment: args.deployment, mesh: args.mesh },
          this.meshMetrics,
          args.alertTopicArn,
          tags,
          parent,
        )
      : undefined;
    const withMesh = (names: pulumi.Output<string[]>) => withMeshAlarm(names, meshAlarmResource);
    const deploymentAlarmNames = withMesh(this.alarms.deploymentAlarmNames);

    this.service = new aws.ecs.Service(
      name,
      {
        name: serviceName,
        cluster: this.cluster.arn,
        taskDefinition: this.taskDefinition.arn,
        launchType: "FARGATE",
        platformVersion: "LATEST",
        desiredCount: args.service.minTasks,
        deploymentMinimumHealthyPercent: 100,
        deploymentMaximumPercent: 200,
        healthCheckGracePeriodSeconds: args.healthCheckGracePeriodSeconds ?? 60,
        networkConfiguration: {
          subnets: args.privateSubnetIds,
          securityGroups: [args.serviceSecurityGroupId],
          assignPublicIp: false,
        },
        loadBalancers: [{ targetGroupArn: blue.arn, containerName, containerPort: port, ...(advancedConfiguration ? { advancedConfiguration } : {}) }],
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

    serviceScaling(
      name,
      {
        clusterName: this.cluster.name,
        serviceName: this.service.name,
        // Drained: autoscaling takes the tasks to zero (the service stays, so bringing them back is one update).
        minTasks: args.migration?.drained ? 0 : args.service.minTasks,
        maxTasks: args.migration?.drained ? 0 : args.service.maxTasks,
        cpuTargetPercent: args.cpuTargetPercent ?? 60,
        requestsPerTaskPerMinute: args.requestsPerTaskPerMinute ?? 600,
        albArnSuffix: this.albArnSuffix,
        requests: progressive ? { per: "whole-alb" } : { per: "target-group", targetGroupArnSuffix: blue.arnSuffix },
        ...(tags === undefined ? {} : { tags }),
      },
      this,
    );

    this.clusterName = this.cluster.name;
    this.serviceName = this.service.name;
    this.albArn = this.loadBalancer.arn;
    this.albDnsName = this.loadBalancer.dnsName;
    this.targetGroupArns = pulumi.all(this.targetGroups.map((tg) => tg.arn));
    this.targetGroupArnSuffixes = pulumi.all(this.targetGroups.map((tg) => tg.arnSuffix));
    this.logGroupName = this.logGroup.name;
    this.originDomainName = pulumi.output(origin.originDomainName);
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

  /** The role ECS assumes to shift traffic between the blue and green target groups during a deployment. */
  private infrastructureRole(
    name: string,
    serviceName: string,
    args: WebServiceArgs,
    account: { readonly partition: pulumi.Output<string>; readonly accountId: pulumi.Output<string> },
  ): aws.iam.Role {
    const parent = { parent: this };
    const role = serviceRole(
      `${name}-ecs-infrastructure-role`,
      {
        description: `Lets ECS shift ${serviceName} (${args.environmentName}) traffic between target groups during deployments`,
        account,
        trust: ({ accountId }) => ecsInfrastructureTrustPolicy(accountId),
        ...(args.tags === undefined ? {} : { tags: args.tags }),
      },
      parent,
    );
    new aws.iam.RolePolicyAttachment(
      `${name}-ecs-infrastructure-policy`,
      { role: role.name, policyArn: pulumi.interpolate`arn:${account.partition}:iam::aws:policy/AmazonECSInfrastructureRolePolicyForLoadBalancers` },
      parent,
    );
    return role;
  }
}

import * as aws from "@pulumi/aws";
import type * as k8s from "@pulumi/kubernetes";
import * as pulumi from "@pulumi/pulumi";
import type { Environment } from "../../environment/environment";
import { validateOriginVerifyHeaderName } from "../origin-verify";
import type { PlatformServiceArgs } from "../platform-service-args";
import { ServiceAlarms } from "../service-alarms";
import { AMBIENT_NAMESPACE_LABELS, IstioAmbient, istioMeshMetrics } from "../mesh/istio-ambient";
import { meshAlarm, withMeshAlarm, type MeshMetrics } from "../mesh/mesh-metrics";
import { originDomainName, originLoadBalancer } from "../origin-load-balancer";
import { argoRolloutsValues, externalSecretsValues, OPERATOR_CHARTS, SERVICE_CHART_PATH, serviceChartValues } from "./chart-values";
import { clusterName, eksTargetGroupTags, POD_SECURITY_LABELS, SERVICE_NAMESPACE } from "./cluster-policies";
import { EksCluster } from "./eks-cluster";
import { kubeconfig } from "./kubeconfig";
import { kubernetesSdk } from "./kubernetes-sdk";

export interface EksWebServiceArgs extends PlatformServiceArgs {
  readonly environment: Environment;
  /** The VPC's CIDR: the pods' network policy allows it (ALB, data stores, VPC endpoints) and nothing else. */
  readonly vpcCidr: pulumi.Input<string>;
  /** Security groups of the data stores: they admit the service's ECS group only, so the pods are added. */
  readonly databaseSecurityGroupId: pulumi.Input<string>;
  readonly cacheSecurityGroupId: pulumi.Input<string>;
  /**
   * Join the origin another platform owns (a migration from ECS): the cluster builds no ALB and no alarms of its
   * own, and its pods register as one of several registrants (multiClusterTargetGroup) into their own target group
   * and, once ECS is drained, into blue as well, where the tasks were. The groups must carry eksTargetGroupTags.
   * Default: the cluster has its own origin.
   */
  readonly join?: JoinedOrigin;
}

/** An ALB target group, as the pods' bindings and the outputs name it. */
export interface JoinedTargetGroup {
  readonly arn: pulumi.Input<string>;
  readonly arnSuffix: pulumi.Input<string>;
}

/** The origin another platform owns, as its outputs name it. */
export interface JoinedOrigin {
  readonly albArn: pulumi.Input<string>;
  readonly albArnSuffix: pulumi.Input<string>;
  readonly albDnsName: pulumi.Input<string>;
  /** The pods' own target group during the migration. */
  readonly pods: JoinedTargetGroup;
  /** ECS's blue group, once ECS is drained: the finished migration serves from it. Default: not joined. */
  readonly blue?: JoinedTargetGroup;
}

/** The ECS service component's type: this component takes over its origin when a migration finishes. */
const ECS_SERVICE_TYPE = "platform:compute:WebService";

/**
 * The service on EKS Auto Mode behind the same kind of origin as on ECS: an internet-facing ALB that forwards only
 * CloudFront's requests to one target group, which the pods join through a TargetGroupBinding. The operators
 * (External Secrets, Argo Rollouts) and the service's chart are pinned Helm releases. Its outputs match
 * WebService's, so the edge, the dashboard and devctl read either platform the same way.
 */
export class EksWebService extends pulumi.ComponentResource {
  readonly eks: EksCluster;
  readonly provider: k8s.Provider;
  /** The origin's parts; absent when the cluster joins another platform's target groups (args.join). */
  readonly loadBalancer?: aws.lb.LoadBalancer;
  readonly targetGroup?: aws.lb.TargetGroup;
  readonly httpsListener?: aws.lb.Listener;
  readonly productionRule?: aws.lb.ListenerRule;
  readonly releases: { readonly externalSecrets: k8s.helm.v3.Release; readonly argoRollouts: k8s.helm.v3.Release; readonly service: k8s.helm.v3.Release };
  readonly alarms?: ServiceAlarms;
  /** Istio ambient, when the environment's mesh.mode is istio-ambient. */
  readonly mesh?: IstioAmbient;

  readonly clusterName: pulumi.Output<string>;
  readonly serviceName: pulumi.Output<string>;
  readonly albArn: pulumi.Output<string>;
  readonly albArnSuffix: pulumi.Output<string>;
  readonly albDnsName: pulumi.Output<string>;
  readonly targetGroupArns: pulumi.Output<string[]>;
  readonly targetGroupArnSuffixes: pulumi.Output<string[]>;
  /** The control plane's log group (the pods log to stdout, collected by Container Insights if enabled). */
  readonly logGroupName: pulumi.Output<string>;
  readonly originDomainName: pulumi.Output<string>;
  readonly alarmNames: pulumi.Output<string[]>;
  readonly deploymentAlarmNames: pulumi.Output<string[]>;
  /** The mesh's metrics of the service (dashboard), when there is a mesh. */
  readonly meshMetrics?: pulumi.Output<MeshMetrics>;

  constructor(name: string, args: EksWebServiceArgs, opts?: pulumi.ComponentResourceOptions) {
    // Once a migration from ECS finishes (computePlatform becomes eks), the origin, its target groups (the pods are
    // already in them) and the alarms the ECS service component owned are this component's children under the
    // same names: adopted, not replaced, so the ALB never changes. Joining, that component still exists: no alias.
    super("platform:compute:EksWebService", name, {}, args.join ? opts : { ...opts, aliases: [...(opts?.aliases ?? []), { type: ECS_SERVICE_TYPE }] });
    const env = args.environment;
    const parent = { parent: this };
    const tags = args.tags;
    const serviceName = args.serviceName ?? "release-ledger";
    const port = env.service.port;
    try {
      validateOriginVerifyHeaderName(args.originVerifyHeader.name);
    } catch (error) {
      throw new pulumi.ResourceError((error as Error).message, this);
    }

    // ---- Cluster ----
    this.eks = new EksCluster(
      `${name}-eks`,
      {
        environment: env,
        privateSubnetIds: args.privateSubnetIds,
        kmsKeyArn: args.kmsKeyArn,
        secretArns: [args.database.masterSecretArn, args.redis.authSecretArn],
        databaseUser: { resourceId: args.database.resourceId, username: args.database.appUsername },
        disposable: args.disposable,
        tags,
      },
      parent,
    );

    // ---- The origin CloudFront reaches: the same ALB as on ECS, or (joining) the ECS service's own ----
    // "blue", as on ECS: after a migration the pods stay registered in the group the tasks served from.
    const origin = args.join
      ? undefined
      : originLoadBalancer(
          name,
          {
            vpcId: args.vpcId,
            publicSubnetIds: args.publicSubnetIds,
            albSecurityGroupId: args.albSecurityGroupId,
            port,
            targetGroupRoles: ["blue"],
            shutdownTimeoutMs: env.service.shutdownTimeoutMs,
            isProduction: env.isProduction,
            disposable: args.disposable,
            logRetentionDays: env.logRetentionDays,
            domainName: env.dns.domainName,
            hostedZoneName: env.dns.hostedZoneName,
            originVerifyHeader: args.originVerifyHeader,
            originHeaderSenders: args.originHeaderSenders,
            targetGroupTags: eksTargetGroupTags(clusterName(env.name)),
            tags,
          },
          this,
        );
    this.loadBalancer = origin?.loadBalancer;
    this.targetGroup = origin?.targetGroups[0];
    this.httpsListener = origin?.httpsListener;
    this.productionRule = origin?.productionRule;
    // Joining: the pods' group first, then blue once ECS is drained.
    const joined = args.join ? [args.join.pods, ...(args.join.blue ? [args.join.blue] : [])] : [];
    const targetGroupArns: pulumi.Output<string[]> = origin ? origin.targetGroups[0]!.arn.apply((arn) => [arn]) : pulumi.all(joined.map((g) => g.arn));

    // Auto Mode nodes (and so the pods) sit in the cluster security group: the ALB may reach the service port only.
    new aws.vpc.SecurityGroupIngressRule(
      `${name}-alb-to-pods`,
      {
        securityGroupId: this.eks.clusterSecurityGroupId,
        referencedSecurityGroupId: args.albSecurityGroupId,
        ipProtocol: "tcp",
        fromPort: port,
        toPort: port,
        description: "ALB to the service's pods",
        tags,
      },
      parent,
    );
    new aws.vpc.SecurityGroupEgressRule(
      `${name}-alb-egress-pods`,
      {
        securityGroupId: args.albSecurityGroupId,
        referencedSecurityGroupId: this.eks.clusterSecurityGroupId,
        ipProtocol: "tcp",
        fromPort: port,
        toPort: port,
        description: "ALB to the service's pods on EKS",
        tags,
      },
      parent,
    );

    // The data stores admit the ECS service's group only; Auto Mode pods sit in the cluster security group.
    const dataStores = [
      { role: "database", groupId: args.databaseSecurityGroupId, port: args.database.port, description: "PostgreSQL from the service's pods" },
      { role: "cache", groupId: args.cacheSecurityGroupId, port: args.redis.port, description: "Redis from the service's pods" },
    ];
    for (const store of dataStores) {
      new aws.vpc.SecurityGroupIngressRule(
        `${name}-pods-to-${store.role}`,
        {
          securityGroupId: store.groupId,
          referencedSecurityGroupId: this.eks.clusterSecurityGroupId,
          ipProtocol: "tcp",
          fromPort: store.port,
          toPort: store.port,
          description: store.description,
          tags,
        },
        parent,
      );
    }

    // ---- Alarms: the same ALB alarms as on ECS; they gate the canary through the chart's analysis ----
    this.albArnSuffix = origin ? origin.loadBalancer.arnSuffix : pulumi.output(args.join!.albArnSuffix);
    // Joining, the owner's alarms watch the shared target groups (and count the pods among the healthy targets).
    const targetGroup = origin?.targetGroups[0];
    this.alarms =
      targetGroup &&
      new ServiceAlarms(
        `${name}-alarms`,
        {
          environmentName: env.name,
          deployment: env.deployment,
          service: env.service,
          alertTopicArn: args.alertTopicArn,
          albArnSuffix: this.albArnSuffix,
          targetGroupArnSuffixes: [targetGroup.arnSuffix],
          clusterName: this.eks.clusterName,
          serviceName,
          // The pods the ALB finds healthy: ECS Container Insights has nothing to say about a Kubernetes workload.
          runningCount: {
            namespace: "AWS/ApplicationELB",
            metricName: "HealthyHostCount",
            dimensions: { TargetGroup: targetGroup.arnSuffix, LoadBalancer: this.albArnSuffix },
          },
          tags,
        },
        parent,
      );

    // ---- Kubernetes: operators, then the service ----
    const kubernetes = kubernetesSdk();
    this.provider = new kubernetes.Provider(
      `${name}-kubernetes`,
      {
        kubeconfig: pulumi
          .all([this.eks.clusterName, this.eks.endpoint, this.eks.certificateAuthority])
          .apply(([cluster, endpoint, ca]) => JSON.stringify(kubeconfig({ clusterName: cluster, endpoint, certificateAuthority: ca, region: env.awsRegion }))),
        // Objects are applied with server-side apply, so a field another controller owns is not fought over.
        enableServerSideApply: true,
      },
      { parent: this, dependsOn: this.eks.accessEntries },
    );
    const onCluster = { parent: this, provider: this.provider };
    const operator = (key: keyof typeof OPERATOR_CHARTS, values: Record<string, unknown>) => {
      const spec = OPERATOR_CHARTS[key];
      return new kubernetes.helm.v3.Release(
        `${name}-${spec.chart}`,
        {
          name: spec.chart,
          chart: spec.chart,
          version: spec.version,
          repositoryOpts: { repo: spec.repo },
          namespace: spec.namespace,
          createNamespace: true,
          atomic: true,
          values,
        },
        onCluster,
      );
    };
    const externalSecrets = operator("externalSecrets", externalSecretsValues());
    const argoRollouts = operator("argoRollouts", argoRolloutsValues(env));
    // The mesh (mesh.mode istio-ambient): Istio and the Gateway API CRDs before the chart that uses them.
    this.mesh =
      env.mesh.mode === "istio-ambient"
        ? new IstioAmbient(
            `${name}-mesh`,
            {
              environment: env,
              clusterSecurityGroupId: this.eks.clusterSecurityGroupId,
              clusterName: this.eks.clusterName,
              serviceNamespace: SERVICE_NAMESPACE,
              tags,
            },
            { parent: this, providers: [this.provider] },
          )
        : undefined;
    // Pod Security Admission refuses any pod in the service's namespace that is not "restricted" (non-root, no
    // privilege escalation, all capabilities dropped, RuntimeDefault seccomp), whatever the chart's values say.
    const namespace = new kubernetes.core.v1.Namespace(
      `${name}-namespace`,
      { metadata: { name: SERVICE_NAMESPACE, labels: { ...POD_SECURITY_LABELS, ...(this.mesh ? AMBIENT_NAMESPACE_LABELS : {}) } } },
      onCluster,
    );
    const service = new kubernetes.helm.v3.Release(
      `${name}-${serviceName}`,
      {
        name: serviceName,
        chart: SERVICE_CHART_PATH,
        namespace: namespace.metadata.name,
        // A failed release is rolled back by Helm; a failed canary is aborted by Argo Rollouts (and devctl pins
        // the last good digest), never left half-applied.
        atomic: true,
        timeout: 900,
        values: pulumi
          .all([
            args.imageRef,
            pulumi.all([args.join?.pods.arn, args.join?.blue?.arn]),
            targetGroupArns,
            this.albArnSuffix,
            args.vpcCidr,
            pulumi.all([args.database.host, args.database.port, args.database.name, args.database.masterSecretArn, args.database.appUsername]),
            pulumi.all([args.redis.host, args.redis.port, args.redis.authSecretArn]),
          ])
          .apply(
            ([
              imageRef,
              [podsArn, blueArn],
              [ownArn],
              albArnSuffix,
              vpcCidr,
              [dbHost, dbPort, dbName, dbSecret, dbAppUsername],
              [redisHost, redisPort, redisSecret],
            ]) =>
              serviceChartValues({
                environment: env,
                imageRef,
                // Joining, the tasks are registered beside the pods: each registrant keeps to its own targets.
                ...(args.join ? { targetGroupArn: blueArn, migrationTargetGroupArn: podsArn ?? "", multiCluster: true } : { targetGroupArn: ownArn ?? "" }),
                albArnSuffix,
                vpcCidr,
                database: { host: dbHost, port: dbPort, name: dbName, masterSecretArn: dbSecret, appUsername: dbAppUsername },
                redis: { host: redisHost, port: redisPort, authSecretArn: redisSecret },
              }),
          ),
      },
      { ...onCluster, dependsOn: [externalSecrets, argoRollouts, ...(this.productionRule ? [this.productionRule] : []), ...(this.mesh?.ready ?? [])] },
    );
    this.releases = { externalSecrets, argoRollouts, service };

    this.clusterName = this.eks.clusterName;
    this.serviceName = pulumi.output(serviceName);
    this.albArn = origin ? origin.loadBalancer.arn : pulumi.output(args.join!.albArn);
    this.albDnsName = origin ? origin.loadBalancer.dnsName : pulumi.output(args.join!.albDnsName);
    this.targetGroupArns = targetGroupArns;
    this.targetGroupArnSuffixes = targetGroup ? targetGroup.arnSuffix.apply((suffix) => [suffix]) : pulumi.all(joined.map((g) => g.arnSuffix));
    this.logGroupName = this.eks.logGroup.name;
    this.originDomainName = pulumi.output(originDomainName(env.dns.domainName));
    // The mesh's own 5xx alarm, on the waypoint's metrics: alerts, and devctl's soak gate waits on it like the others.
    this.meshMetrics = this.mesh ? pulumi.output(istioMeshMetrics(env.name, serviceName)) : undefined;
    const meshAlarmResource = this.meshMetrics ? meshAlarm(`${name}-mesh-5xx-rate`, env, this.meshMetrics, args.alertTopicArn, tags, parent) : undefined;
    const withMesh = (names: pulumi.Output<string[]>) => withMeshAlarm(names, meshAlarmResource);
    this.alarmNames = withMesh(this.alarms?.alarmNames ?? pulumi.output([]));
    this.deploymentAlarmNames = withMesh(this.alarms?.deploymentAlarmNames ?? pulumi.output([]));
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

import * as fs from "node:fs";
import * as path from "node:path";
import * as pulumi from "@pulumi/pulumi";
import {
  awsProvider,
  CLOUDFRONT_REGION,
  ContainerImage,
  dataStoreEndpoints,
  DORA_SNAPSHOT_ARCHIVE_PATH,
  DORA_SNAPSHOT_BUNDLED_HANDLER,
  DoraSnapshotSchedule,
  Edge,
  edgeSettings,
  clusterName,
  EksWebService,
  type EksWebServiceArgs,
  type PlatformServiceArgs,
  eksTargetGroupTags,
  ImageReplication,
  layerTags,
  Observability,
  originDomainName,
  originVerifyHeader,
  parseImageReference,
  readUpstream,
  unbundledJob,
  WebService,
  type UpstreamOutputs,
  type WebServiceArgs,
} from "@platform/infra";
import { migrationPhase, migrationWeights, REPOSITORY_ROOT, type Environment } from "@platform/infra/environment";
import type { LayerProgramOutputs } from "@platform/infra/layers";
import { lambdaCompute } from "./lambda-compute";

export interface ComputeProgramOptions {
  /**
   * Image to deploy instead of building one: <registry>/<repository>@sha256:<64 hex>, from stack config
   * platform-compute:image (devctl promote/rollback set it). Unset = build service/ and deploy that.
   */
  readonly image?: string | undefined;
  /** The bundled DORA snapshot job (service/src/lambda/dora-snapshot.ts, export `handler`). */
  readonly doraSnapshotCode?: pulumi.asset.Archive;
  /** lambda: the code archive to deploy (stack config platform-compute:lambdaArchive); default service/dist/lambda/api.zip. */
  readonly lambdaArchive?: string | undefined;
  /** lambda: the version the alias serves now (stack config platform-compute:lambdaLiveVersion, kept by devctl). */
  readonly lambdaLiveVersion?: string | undefined;
  /** lambda: the version on trial during a canary (stack config platform-compute:lambdaCanaryVersion, set by devctl). */
  readonly lambdaCanaryVersion?: string | undefined;
  /**
   * A restore drill's recovery environment (stack config platform-compute:disposable, set by `devctl dr drill`):
   * it never takes traffic and is destroyed when the drill ends, so its log buckets and ALB must not block that.
   */
  readonly disposable?: boolean | undefined;
  /**
   * A recovery environment that serves its environment's host name after `devctl dr cutover` (stack config
   * platform-compute:servingCutover, kept by devctl up/promote/rollback --during-cutover): the distribution keeps
   * that name, which a deploy declaring only the environment's own name would take off the serving edge.
   */
  readonly servingCutover?: boolean | undefined;
  /** A migration's phase (stack config platform-compute:migrationPhase, set by devctl migrate): drained, or unset. */
  readonly migrationPhase?: string | undefined;
  /** A migration's weight (stack config platform-compute:migrationWeight, set by devctl migrate): EKS's percent, 0-100. */
  readonly migrationWeight?: string | undefined;
  /** The ECS target group that keeps the rest (stack config platform-compute:migrationEcsTargetGroup, set by devctl migrate). */
  readonly migrationEcsTargetGroup?: string | undefined;
}

/** The outputs every platform's service component has, so nothing after the platform choice branches on it. */
type PlatformService = Pick<
  WebService,
  | "clusterName"
  | "serviceName"
  | "albArn"
  | "albArnSuffix"
  | "albDnsName"
  | "targetGroupArns"
  | "targetGroupArnSuffixes"
  | "logGroupName"
  | "alarmNames"
  | "deploymentAlarmNames"
  | "meshMetrics"
>;

/** What the compute program hands the platform's component. */
interface PlatformInputs {
  readonly environment: Environment;
  readonly network: UpstreamOutputs<"network">;
  readonly provider: pulumi.ProviderResource;
  readonly containerImage: ContainerImage;
  /** A migration to EKS under way: what the ECS service does for it (see WebServiceArgs.migration). */
  readonly migration?: WebServiceArgs["migration"];
  /** The arguments every platform's component takes alike (image, network, data stores, origin header, tags). */
  readonly common: PlatformServiceArgs;
}

/**
 * The one place the platform is chosen (environment.compute.platform): one entry per platform, each building the
 * service as that platform's component, logical name "service". An entry's heavy SDK loads only when it is built
 * (EksWebService requires @pulumi/kubernetes then), so a plan of an ECS environment never loads Kubernetes code.
 */
const PLATFORMS: { readonly [P in Exclude<Environment["compute"]["platform"], "lambda">]: (inputs: PlatformInputs) => PlatformService } = {
  ecs: ({ environment, network, provider, containerImage, migration, common }) =>
    new WebService(
      "service",
      {
        ...common,
        environmentName: environment.name,
        region: environment.awsRegion,
        isProduction: environment.isProduction,
        logRetentionDays: environment.logRetentionDays,
        service: environment.service,
        deployment: environment.deployment,
        oidc: environment.oidc,
        mesh: environment.mesh,
        dns: environment.dns,
        pullRepositoryArns: containerImage.pullRepositoryArns,
        serviceSecurityGroupId: network.serviceSecurityGroupId,
        ...(migration ? { migration } : {}),
      },
      { provider },
    ),
  eks: (inputs) => eksWebService(inputs),
};

/** The eks platform's component: behind its own origin, or joining another platform's target groups (a migration). */
function eksWebService({ environment, network, provider, common }: PlatformInputs, join?: EksWebServiceArgs["join"]): EksWebService {
  return new EksWebService(
    "service",
    {
      ...common,
      environment,
      vpcCidr: network.vpcCidr,
      databaseSecurityGroupId: network.databaseSecurityGroupId,
      cacheSecurityGroupId: network.cacheSecurityGroupId,
      ...(join ? { join } : {}),
    },
    { provider },
  );
}

/**
 * The DORA job's code: as given, else the archive the bundling script wrote (the deploy workflows run it), else
 * a stand-in whose every run fails saying so (its alarm fires; the API keeps answering live).
 */
function doraSnapshotCode(given: pulumi.asset.Archive | undefined): { code: pulumi.asset.Archive; handler?: string } {
  if (given) return { code: given };
  const archive = path.resolve(REPOSITORY_ROOT, DORA_SNAPSHOT_ARCHIVE_PATH);
  return fs.existsSync(archive)
    ? { code: new pulumi.asset.FileArchive(archive), handler: DORA_SNAPSHOT_BUNDLED_HANDLER }
    : { code: unbundledJob("dora-snapshot") };
}

/**
 * The compute layer: image, the service behind the ALB (ECS Fargate, or EKS Auto Mode with the Helm chart, as the
 * environment's computePlatform says) or a Lambda function behind API Gateway, CloudFront/WAF edge, dashboard and alarms.
 */
export function computeProgram(environment: Environment, options: ComputeProgramOptions = {}): LayerProgramOutputs<"compute"> {
  // Validate before anything is registered: a bad reference must not half-build a stack.
  const image = options.image === undefined ? undefined : parseImageReference(options.image, "platform-compute:image").ref;
  const disposable = options.disposable === true;
  if (disposable && environment.recovery.of === undefined) {
    throw new Error(
      `${environment.name} is not a recovery environment; platform-compute:disposable is only for a restore drill's <env>-dr stack. Remove it from the ${environment.name} stack's config.`,
    );
  }
  const servingCutover = options.servingCutover === true;
  if (servingCutover && environment.recovery.of === undefined) {
    throw new Error(
      `${environment.name} is not a recovery environment; platform-compute:servingCutover is only for <env>-dr after devctl dr cutover. Remove it from the ${environment.name} stack's config.`,
    );
  }
  if (servingCutover && disposable) {
    throw new Error(
      `${environment.name}: platform-compute:servingCutover and platform-compute:disposable together: a restore drill's copy never serves traffic.`,
    );
  }
  const phase = migrationPhase(environment, options.migrationPhase);
  const weights = migrationWeights(environment, { weight: options.migrationWeight, ecsTargetGroup: options.migrationEcsTargetGroup }, phase);

  const provider = awsProvider(environment);
  const usEast1Provider = awsProvider(environment, "aws-us-east-1", CLOUDFRONT_REGION);
  const network = readUpstream("network", environment.name).outputs;
  const data = readUpstream("data", environment.name).outputs;
  const tags = layerTags(environment, "compute");
  const { database, redis } = dataStoreEndpoints(data);

  // One secret header for both ends: CloudFront sends it, the ALB forwards only requests that carry it.
  const originHeader = originVerifyHeader("origin-verify");

  // The edge addresses the ALB by name only, so it is declared first: the listener rule that requires the
  // header then waits for the distribution that sends it (see WebService originHeaderSenders).
  const edge = new Edge(
    "edge",
    {
      ...edgeSettings(environment),
      disposable,
      servingCutover,
      originDomainName: originDomainName(environment.dns.domainName),
      originVerifyHeader: originHeader,
      tags,
      usEast1Provider,
    },
    { provider },
  );

  // The nightly DORA snapshot, a Lambda function whichever platform serves the API.
  new DoraSnapshotSchedule(
    "dora-snapshot",
    {
      environmentName: environment.name,
      ...doraSnapshotCode(options.doraSnapshotCode),
      vpcId: network.vpcId,
      subnetIds: network.privateSubnetIds,
      databaseSecurityGroupId: network.databaseSecurityGroupId,
      database,
      kmsKeyArn: network.kmsKeyArn,
      logRetentionDays: environment.logRetentionDays,
      alertTopicArn: network.alertTopicArn,
      tags,
    },
    { provider },
  );

  // Lambda has no load balancer, cluster or image, so its component answers the layer's contract itself.
  if (environment.compute.platform === "lambda") {
    return lambdaCompute(
      {
        environment,
        network,
        data,
        edge,
        originHeader,
        tags,
        archive: options.lambdaArchive,
        liveVersion: options.lambdaLiveVersion,
        canaryVersion: options.lambdaCanaryVersion,
      },
      { provider },
    );
  }

  const containerImage = new ContainerImage(
    "service-image",
    { repositoryName: `${environment.name}-release-ledger`, kmsKeyArn: network.kmsKeyArn, image, tags },
    { provider },
  );

  // A restore in the DR region runs the digest production ran, so every image is copied there as it is pushed.
  if (environment.recovery.prepared) {
    new ImageReplication(
      "service-image-replication",
      {
        repositoryName: `${environment.name}-release-ledger`,
        primaryRegion: environment.awsRegion,
        drRegion: environment.drRegion,
        drProvider: awsProvider(environment, "aws-dr", environment.drRegion),
        tags,
      },
      { provider },
    );
  }

  const common: PlatformInputs["common"] = {
    imageRef: containerImage.imageRef,
    vpcId: network.vpcId,
    publicSubnetIds: network.publicSubnetIds,
    privateSubnetIds: network.privateSubnetIds,
    albSecurityGroupId: network.albSecurityGroupId,
    kmsKeyArn: network.kmsKeyArn,
    alertTopicArn: network.alertTopicArn,
    database,
    redis,
    originVerifyHeader: originHeader,
    originHeaderSenders: [edge],
    disposable,
    tags,
  };
  const migratingToEks = phase !== undefined && environment.compute.migrateTo === "eks";
  const migration = migratingToEks
    ? { drained: phase === "drained", targetGroupTags: eksTargetGroupTags(clusterName(environment.name)), ...(weights ? { weights } : {}) }
    : undefined;
  const web = PLATFORMS[environment.compute.platform]({ environment, network, provider, containerImage, common, ...(migration ? { migration } : {}) });
  // A migration from ECS: the pods register into a target group of their own on the ECS service's ALB, under the
  // same component and names they keep once computePlatform becomes eks (which then adopts the origin instead of
  // replacing it). Drained, they join blue as well (beside the tasks' registrations), so that when the finished
  // migration's rule forwards to blue alone, healthy pods are already in it.
  if (migratingToEks && web instanceof WebService && web.podsTargetGroup) {
    const blue = web.targetGroups[0]!;
    eksWebService(
      { environment, network, provider, containerImage, common },
      {
        albArn: web.albArn,
        albArnSuffix: web.albArnSuffix,
        albDnsName: web.albDnsName,
        pods: { arn: web.podsTargetGroup.arn, arnSuffix: web.podsTargetGroup.arnSuffix },
        ...(phase === "drained" ? { blue: { arn: blue.arn, arnSuffix: blue.arnSuffix } } : {}),
      },
    );
  }

  const observability = new Observability(
    "observability",
    {
      environment,
      alertTopicArn: network.alertTopicArn,
      clusterName: web.clusterName,
      serviceName: web.serviceName,
      albArnSuffix: web.albArnSuffix,
      targetGroupArnSuffixes: web.targetGroupArnSuffixes,
      dbInstanceIdentifier: data.dbInstanceIdentifier,
      redisReplicationGroupId: data.redisReplicationGroupId,
      logGroupName: web.logGroupName,
      distributionId: edge.distributionId,
      meshMetrics: web.meshMetrics,
      tags,
    },
    { provider },
  );

  return {
    platform: environment.compute.platform,
    serviceUrl: edge.serviceUrl,
    imageRef: containerImage.imageRef,
    imageDigest: containerImage.imageDigest,
    ecrRepositoryUrl: containerImage.repositoryUrl,
    clusterName: web.clusterName,
    serviceName: web.serviceName,
    albArn: web.albArn,
    albDnsName: web.albDnsName,
    targetGroupArns: web.targetGroupArns,
    logGroupName: web.logGroupName,
    cdnDomainName: edge.domainName,
    dashboardName: observability.dashboardName,
    alarms: pulumi.all([web.alarmNames, edge.cdnAlarmName, observability.alarmNames]).apply(([service, cdn, anomaly]) => [
      ...service.map((name) => ({ name, region: environment.awsRegion, kind: "threshold" as const })),
      // CloudFront publishes its metrics only in us-east-1, so its alarm lives there.
      { name: cdn, region: CLOUDFRONT_REGION, kind: "threshold" as const },
      ...anomaly.map((name) => ({ name, region: environment.awsRegion, kind: "anomaly" as const })),
    ]),
    deploymentAlarmNames: web.deploymentAlarmNames,
    lambda: null,
  };
}

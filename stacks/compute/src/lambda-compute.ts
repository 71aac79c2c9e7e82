import * as path from "node:path";
import * as pulumi from "@pulumi/pulumi";
import {
  API_ARCHIVE_PATH,
  CLOUDFRONT_REGION,
  dataStoreEndpoints,
  type Edge,
  LambdaWebService,
  LIVE_ALIAS,
  type OriginVerifyHeader,
  type UpstreamOutputs,
} from "@platform/infra";
import { REPOSITORY_ROOT, type Environment } from "@platform/infra/environment";
import type { LayerProgramOutputs } from "@platform/infra/layers";

export interface LambdaComputeArgs {
  readonly environment: Environment;
  readonly network: UpstreamOutputs<"network">;
  readonly data: UpstreamOutputs<"data">;
  readonly edge: Edge;
  readonly originHeader: OriginVerifyHeader;
  readonly tags: Record<string, string>;
  /** The code archive (stack config platform-compute:lambdaArchive); default the one the bundling script writes. */
  readonly archive?: string | undefined;
  readonly liveVersion?: string | undefined;
  readonly canaryVersion?: string | undefined;
}

/**
 * The lambda arm of the compute layer: the function, its API and proxy behind the same Edge, with the layer's
 * outputs (the load balancer's and the image's are null: there are none).
 */
export function lambdaCompute(args: LambdaComputeArgs, opts: { provider: pulumi.ProviderResource }): LayerProgramOutputs<"compute"> {
  const { environment, network, data, edge, tags } = args;
  const { database, redis } = dataStoreEndpoints(data);
  const web = new LambdaWebService(
    "service",
    {
      environment,
      archivePath: path.resolve(REPOSITORY_ROOT, args.archive ?? API_ARCHIVE_PATH),
      ...(args.liveVersion === undefined ? {} : { liveVersion: args.liveVersion }),
      ...(args.canaryVersion === undefined ? {} : { canaryVersion: args.canaryVersion }),
      vpcId: network.vpcId,
      privateSubnetIds: network.privateSubnetIds,
      serviceSecurityGroupId: network.serviceSecurityGroupId,
      databaseSecurityGroupId: network.databaseSecurityGroupId,
      kmsKeyArn: network.kmsKeyArn,
      alertTopicArn: network.alertTopicArn,
      database: { ...database, instanceIdentifier: data.dbInstanceIdentifier },
      redis,
      originVerifyHeader: args.originHeader,
      tags,
    },
    opts,
  );
  return {
    platform: "lambda",
    serviceUrl: edge.serviceUrl,
    imageRef: null,
    imageDigest: web.codeDigest,
    ecrRepositoryUrl: null,
    clusterName: null,
    serviceName: web.serviceName,
    albArn: null,
    albDnsName: null,
    targetGroupArns: [],
    logGroupName: web.logGroupName,
    cdnDomainName: edge.domainName,
    dashboardName: web.dashboardName,
    alarms: pulumi
      .all([web.alarmNames, edge.cdnAlarmName])
      .apply(([service, cdn]) => [
        ...service.map((name) => ({ name, region: environment.awsRegion, kind: "threshold" as const })),
        { name: cdn, region: CLOUDFRONT_REGION, kind: "threshold" as const },
      ]),
    deploymentAlarmNames: web.deploymentAlarmNames,
    lambda: pulumi
      .all([web.functionName, web.liveVersion, web.publishedVersion, web.proxyEndpoint, web.apiAccessLogGroupName])
      .apply(([functionName, liveVersion, publishedVersion, proxyEndpoint, apiAccessLogGroupName]) => ({
        functionName,
        aliasName: LIVE_ALIAS,
        liveVersion,
        publishedVersion,
        proxyEndpoint,
        apiAccessLogGroupName,
      })),
  };
}

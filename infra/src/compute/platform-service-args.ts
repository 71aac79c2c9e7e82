import type * as pulumi from "@pulumi/pulumi";
import type { CacheEndpoint, DatabaseEndpoint } from "./data-store-endpoints";
import type { OriginVerifyHeader } from "./origin-verify";

/**
 * What every container platform's service component takes alike (WebService on ECS, EksWebService on EKS): the
 * image, the network it runs in, the data stores, the origin's secret header and the tags. Each component adds
 * its own settings on top.
 */
export interface PlatformServiceArgs {
  /** Image to run, pinned by digest (<repository>@sha256:<hex>). */
  readonly imageRef: pulumi.Input<string>;
  readonly vpcId: pulumi.Input<string>;
  /** Subnets of the internet-facing ALB. */
  readonly publicSubnetIds: pulumi.Input<string[]>;
  /** Subnets of the tasks or the cluster's nodes (no public IP; egress through NAT and VPC endpoints). */
  readonly privateSubnetIds: pulumi.Input<string[]>;
  readonly albSecurityGroupId: pulumi.Input<string>;
  /** The environment's customer-managed key (logs, secrets, and on EKS the cluster's envelope encryption). */
  readonly kmsKeyArn: pulumi.Input<string>;
  /** SNS topic every alarm notifies. */
  readonly alertTopicArn: pulumi.Input<string>;
  readonly database: DatabaseEndpoint;
  readonly redis: CacheEndpoint;
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
  /** Name of the service: ECS service or Helm release and Kubernetes objects, and the alarms. Default: release-ledger. */
  readonly serviceName?: string;
  /** A restore drill's copy (platform-compute:disposable): the ALB and its log bucket come down with it. Default false. */
  readonly disposable?: boolean | undefined;
  readonly tags?: Record<string, string>;
}

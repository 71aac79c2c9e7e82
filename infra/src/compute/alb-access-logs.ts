import * as aws from "@pulumi/aws";
import * as pulumi from "@pulumi/pulumi";
import type { Environment } from "../environment/environment";
import { keptOnDestroy } from "../environment/recovery";
import { albLogBucketPolicy } from "./iam-policies";

/** Prefix of the ALB access logs in their bucket. */
export const ALB_LOG_PREFIX = "alb";

export interface AlbAccessLogs {
  readonly bucket: aws.s3.Bucket;
  /** What the load balancer must wait for: ELB checks it can write to the bucket when access logs are turned on. */
  readonly ready: pulumi.Resource[];
}

/**
 * The bucket an ALB writes its access logs to: private, owner-enforced, SSE-S3 (ALB log delivery supports no
 * SSE-KMS), the logs expired after logRetentionDays, and a policy that lets only this region's ELB account write
 * under ALB_LOG_PREFIX. Emptied on delete unless kept (keptOnDestroy). Logical names: `${name}-alb-logs` and `${name}-alb-logs-<role>`.
 */
export function albAccessLogs(
  name: string,
  env: Pick<Environment, "isProduction" | "logRetentionDays"> & { readonly disposable?: boolean | undefined },
  tags: Record<string, string> | undefined,
  parent: pulumi.Resource,
): AlbAccessLogs {
  const opts = { parent };
  const bucket = new aws.s3.Bucket(`${name}-alb-logs`, { forceDestroy: !keptOnDestroy(env), tags }, opts);
  const ownership = new aws.s3.BucketOwnershipControls(
    `${name}-alb-logs-ownership`,
    { bucket: bucket.id, rule: { objectOwnership: "BucketOwnerEnforced" } },
    opts,
  );
  const publicAccess = new aws.s3.BucketPublicAccessBlock(
    `${name}-alb-logs-public-access`,
    { bucket: bucket.id, blockPublicAcls: true, blockPublicPolicy: true, ignorePublicAcls: true, restrictPublicBuckets: true },
    opts,
  );
  const encryption = new aws.s3.BucketServerSideEncryptionConfiguration(
    `${name}-alb-logs-encryption`,
    { bucket: bucket.id, rules: [{ applyServerSideEncryptionByDefault: { sseAlgorithm: "AES256" } }] },
    opts,
  );
  new aws.s3.BucketLifecycleConfiguration(
    `${name}-alb-logs-lifecycle`,
    {
      bucket: bucket.id,
      rules: [
        {
          id: "expire-access-logs",
          status: "Enabled",
          filter: { prefix: `${ALB_LOG_PREFIX}/` },
          expiration: { days: env.logRetentionDays },
          abortIncompleteMultipartUpload: { daysAfterInitiation: 1 },
        },
      ],
    },
    opts,
  );
  const identity = aws.getCallerIdentityOutput({}, opts);
  const elbAccount = aws.elb.getServiceAccountOutput({}, opts);
  const policy = new aws.s3.BucketPolicy(
    `${name}-alb-logs-policy`,
    {
      bucket: bucket.id,
      policy: pulumi
        .all([bucket.arn, identity.accountId, elbAccount.arn])
        .apply(([bucketArn, accountId, elbAccountArn]) => JSON.stringify(albLogBucketPolicy({ bucketArn, accountId, prefix: ALB_LOG_PREFIX, elbAccountArn }))),
    },
    { parent, dependsOn: [publicAccess, ownership] },
  );
  return { bucket, ready: [policy, encryption] };
}

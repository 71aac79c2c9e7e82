/**
 * IAM policy documents of the compute layer, as plain data: the component resolves ARNs and passes them
 * in, tests read exactly what IAM will get.
 */
import { serviceTrustPolicy, type TrustPolicyDocument } from "../iam/service-role";

export interface PolicyDocument {
  readonly Version: "2012-10-17";
  readonly Statement: readonly Record<string, unknown>[];
}

/** Trust policy for ECS tasks, limited to this account's ECS (confused-deputy guard). */
export function ecsTasksTrustPolicy(accountId: string, partition: string, region: string): TrustPolicyDocument {
  return serviceTrustPolicy({ service: "ecs-tasks.amazonaws.com", sourceAccount: accountId, sourceArn: `arn:${partition}:ecs:${region}:${accountId}:*` });
}

/** Trust policy for ECS itself (the infrastructure role that moves ALB weights during blue/green). */
export function ecsInfrastructureTrustPolicy(accountId: string): TrustPolicyDocument {
  return serviceTrustPolicy({ service: "ecs.amazonaws.com", sourceAccount: accountId });
}

export interface ExecutionRoleGrants {
  /** ECR repositories the image may come from. */
  readonly repositoryArns: readonly string[];
  /** Log group ARN (without the trailing :*). */
  readonly logGroupArn: string;
  /** Secrets the task's `secrets` reference, as whole-secret ARNs. */
  readonly secretArns: readonly string[];
  /** KMS key the secrets and log group are encrypted with. */
  readonly kmsKeyArn: string;
}

/**
 * What the ECS agent needs to start the task, and nothing else: pull from the given repositories, write to
 * the one log group, read exactly the referenced secrets and decrypt them with the one key.
 */
export function executionRolePolicy(grants: ExecutionRoleGrants): PolicyDocument {
  if (grants.repositoryArns.length === 0 || grants.secretArns.length === 0) {
    throw new Error("The execution role needs at least one repository and one secret ARN.");
  }
  return {
    Version: "2012-10-17",
    Statement: [
      // GetAuthorizationToken has no resource-level permissions: "*" is the only valid resource.
      { Sid: "EcrLogin", Effect: "Allow", Action: "ecr:GetAuthorizationToken", Resource: "*" },
      {
        Sid: "EcrPull",
        Effect: "Allow",
        Action: ["ecr:BatchCheckLayerAvailability", "ecr:GetDownloadUrlForLayer", "ecr:BatchGetImage"],
        Resource: [...grants.repositoryArns],
      },
      {
        Sid: "WriteLogs",
        Effect: "Allow",
        Action: ["logs:CreateLogStream", "logs:PutLogEvents"],
        Resource: `${grants.logGroupArn}:*`,
      },
      { Sid: "ReadSecrets", Effect: "Allow", Action: "secretsmanager:GetSecretValue", Resource: [...grants.secretArns] },
      { Sid: "DecryptSecrets", Effect: "Allow", Action: "kms:Decrypt", Resource: grants.kmsKeyArn },
    ],
  };
}

/**
 * The task role: re-read the service's own database secret (after a rotation), decrypting it only through
 * Secrets Manager. Nothing else: the master secret reaches the task through the execution role at start.
 */
export function taskRolePolicy(args: { readonly secretArn: string; readonly kmsKeyArn: string; readonly region: string }): PolicyDocument {
  return {
    Version: "2012-10-17",
    Statement: [
      { Sid: "ReadOwnDatabaseSecret", Effect: "Allow", Action: "secretsmanager:GetSecretValue", Resource: args.secretArn },
      {
        Sid: "DecryptThroughSecretsManager",
        Effect: "Allow",
        Action: "kms:Decrypt",
        Resource: args.kmsKeyArn,
        Condition: { StringEquals: { "kms:ViaService": `secretsmanager.${args.region}.amazonaws.com` } },
      },
    ],
  };
}

/**
 * Bucket policy for ALB access logs: the regional log delivery service principal (regions since 2022)
 * and, for older regions such as eu-west-1, the region's ELB account; both may only write under the
 * account's prefix. Plain HTTP to the bucket is refused.
 */
export function albLogBucketPolicy(args: {
  readonly bucketArn: string;
  readonly accountId: string;
  readonly prefix: string;
  readonly elbAccountArn?: string;
}): PolicyDocument {
  const objects = `${args.bucketArn}/${args.prefix}/AWSLogs/${args.accountId}/*`;
  const statements: Record<string, unknown>[] = [
    {
      Sid: "AlbLogDelivery",
      Effect: "Allow",
      Principal: { Service: "logdelivery.elasticloadbalancing.amazonaws.com" },
      Action: "s3:PutObject",
      Resource: objects,
    },
  ];
  if (args.elbAccountArn) {
    statements.push({ Sid: "AlbLogDeliveryLegacy", Effect: "Allow", Principal: { AWS: args.elbAccountArn }, Action: "s3:PutObject", Resource: objects });
  }
  statements.push({
    Sid: "DenyInsecureTransport",
    Effect: "Deny",
    Principal: "*",
    Action: "s3:*",
    Resource: [args.bucketArn, `${args.bucketArn}/*`],
    Condition: { Bool: { "aws:SecureTransport": "false" } },
  });
  return { Version: "2012-10-17", Statement: statements };
}

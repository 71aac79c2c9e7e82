/**
 * IAM, KMS key and SNS topic policy documents of the network layer, as plain objects built from plain
 * values (the caller resolves Outputs first). Kept pure so tests read the exact document AWS receives.
 */
import { serviceTrustPolicy, type TrustPolicyDocument } from "../iam/service-role";

export interface PolicyStatement {
  readonly Sid: string;
  readonly Effect: "Allow" | "Deny";
  /** Only in resource policies (key, topic, trust); identity policies have none. */
  readonly Principal?: Record<string, string | string[]> | "*";
  readonly Action: string | string[];
  /** Absent in a trust policy. */
  readonly Resource?: string | string[];
  readonly Condition?: Record<string, Record<string, string | string[]>>;
}

export interface PolicyDocument {
  readonly Version: "2012-10-17";
  readonly Statement: PolicyStatement[];
}

export interface AccountContext {
  readonly partition: string;
  readonly accountId: string;
  readonly region: string;
}

/** Services that use the key on behalf of principals in the account (RDS, ElastiCache, Secrets Manager, ...). */
export const KEY_VIA_SERVICES = ["rds", "elasticache", "secretsmanager", "ecr", "s3"] as const;

/**
 * Policy of the environment's KMS key. Without the CloudWatch Logs statement a log group encrypted with
 * the key fails to create (AccessDeniedException); without the CloudWatch statement alarms cannot publish
 * to the encrypted alert topic and the alert is silently dropped.
 */
export function foundationKeyPolicy(ctx: AccountContext): PolicyDocument {
  const { partition, accountId, region } = ctx;
  return {
    Version: "2012-10-17",
    Statement: [
      {
        // Without it the key would become unmanageable; IAM policies then decide who else may use it.
        Sid: "AccountRootManagesKey",
        Effect: "Allow",
        Principal: { AWS: `arn:${partition}:iam::${accountId}:root` },
        Action: "kms:*",
        Resource: "*",
      },
      {
        Sid: "CloudWatchLogsEncryptsLogGroups",
        Effect: "Allow",
        Principal: { Service: `logs.${region}.amazonaws.com` },
        Action: ["kms:Encrypt*", "kms:Decrypt*", "kms:ReEncrypt*", "kms:GenerateDataKey*", "kms:Describe*"],
        Resource: "*",
        Condition: {
          ArnLike: { "kms:EncryptionContext:aws:logs:arn": `arn:${partition}:logs:${region}:${accountId}:log-group:*` },
        },
      },
      {
        Sid: "AlarmsPublishToEncryptedTopic",
        Effect: "Allow",
        Principal: { Service: ["cloudwatch.amazonaws.com", "sns.amazonaws.com"] },
        Action: ["kms:Decrypt", "kms:GenerateDataKey*"],
        Resource: "*",
        Condition: { StringEquals: { "aws:SourceAccount": accountId } },
      },
      {
        // The pattern of AWS-managed keys: principals of this account may use the key only through these
        // services, so e.g. a task role reading an encrypted secret needs no key grant of its own.
        Sid: "AccountUsesKeyThroughServices",
        Effect: "Allow",
        Principal: { AWS: "*" },
        Action: ["kms:Encrypt", "kms:Decrypt", "kms:ReEncrypt*", "kms:GenerateDataKey*", "kms:CreateGrant", "kms:DescribeKey"],
        Resource: "*",
        Condition: {
          StringEquals: {
            "kms:CallerAccount": accountId,
            "kms:ViaService": KEY_VIA_SERVICES.map((s) => `${s}.${region}.amazonaws.com`),
          },
        },
      },
    ],
  };
}

/** Policy of the alert topic: the account manages it, CloudWatch alarms of this account and region publish. */
export function alertTopicPolicy(ctx: AccountContext & { readonly topicArn: string }): PolicyDocument {
  const { partition, accountId, region, topicArn } = ctx;
  return {
    Version: "2012-10-17",
    Statement: [
      {
        Sid: "AccountManagesTopic",
        Effect: "Allow",
        Principal: { AWS: `arn:${partition}:iam::${accountId}:root` },
        Action: [
          "sns:GetTopicAttributes",
          "sns:SetTopicAttributes",
          "sns:AddPermission",
          "sns:RemovePermission",
          "sns:DeleteTopic",
          "sns:Subscribe",
          "sns:ListSubscriptionsByTopic",
          "sns:Publish",
        ],
        Resource: topicArn,
      },
      {
        Sid: "CloudWatchAlarmsPublish",
        Effect: "Allow",
        Principal: { Service: "cloudwatch.amazonaws.com" },
        Action: "sns:Publish",
        Resource: topicArn,
        Condition: {
          StringEquals: { "aws:SourceAccount": accountId },
          ArnLike: { "aws:SourceArn": `arn:${partition}:cloudwatch:${region}:${accountId}:alarm:*` },
        },
      },
    ],
  };
}

/** Trust policy of the flow-logs role, scoped to this account's flow logs (confused-deputy guard). */
export function flowLogsAssumeRolePolicy(ctx: AccountContext): TrustPolicyDocument {
  const { partition, accountId, region } = ctx;
  return serviceTrustPolicy({
    sid: "VpcFlowLogsAssumesRole",
    service: "vpc-flow-logs.amazonaws.com",
    sourceAccount: accountId,
    sourceArn: `arn:${partition}:ec2:${region}:${accountId}:vpc-flow-log/*`,
  });
}

/** What the flow-logs role may do: write streams of its one log group. */
export function flowLogsRolePolicy(logGroupArn: string): PolicyDocument {
  return {
    Version: "2012-10-17",
    Statement: [
      {
        Sid: "WriteFlowLogs",
        Effect: "Allow",
        Action: ["logs:CreateLogStream", "logs:PutLogEvents", "logs:DescribeLogStreams"],
        Resource: [logGroupArn, `${logGroupArn}:*`],
      },
      {
        Sid: "FindLogGroup",
        Effect: "Allow",
        Action: "logs:DescribeLogGroups",
        Resource: "*",
      },
    ],
  };
}

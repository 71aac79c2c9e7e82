import type { PolicyDocument } from "../iam-policies";

/** A service may assume the role for this account's resources only (the confused-deputy guard). */
const serviceTrust = (service: string, accountId: string): PolicyDocument => ({
  Version: "2012-10-17",
  Statement: [{ Effect: "Allow", Principal: { Service: service }, Action: "sts:AssumeRole", Condition: { StringEquals: { "aws:SourceAccount": accountId } } }],
});

export const lambdaTrustPolicy = (accountId: string): PolicyDocument => serviceTrust("lambda.amazonaws.com", accountId);
export const rdsProxyTrustPolicy = (accountId: string): PolicyDocument => serviceTrust("rds.amazonaws.com", accountId);

/** `rds-db:connect` resource for one database user behind a proxy or an instance (prx-… or db-… resource id). */
export function dbUserArn(partition: string, region: string, accountId: string, resourceId: string, user: string): string {
  return `arn:${partition}:rds-db:${region}:${accountId}:dbuser:${resourceId}/${user}`;
}

/** The resource id RDS Proxy's IAM tokens are scoped to: the last part of its ARN (…:db-proxy:prx-0123abcd). */
export function proxyResourceId(proxyArn: string): string {
  return proxyArn.split(":").pop() ?? proxyArn;
}

/**
 * What the function may do, and nothing else: write its own log group, connect as the application user through
 * the proxy (IAM token), read the secrets SECRET_REFERENCES names, send failed async events to its queue, and
 * decrypt with the environment's key. Network interfaces in the VPC come from the AWS managed VPC access policy.
 */
export function apiFunctionPolicy(a: {
  readonly logGroupArn: string;
  readonly proxyUserArn: string;
  readonly secretArns: readonly string[];
  readonly failureQueueArn: string;
  readonly kmsKeyArn: string;
}): PolicyDocument {
  return {
    Version: "2012-10-17",
    Statement: [
      { Sid: "Logs", Effect: "Allow", Action: ["logs:CreateLogStream", "logs:PutLogEvents"], Resource: `${a.logGroupArn}:*` },
      { Sid: "DatabaseThroughProxy", Effect: "Allow", Action: "rds-db:connect", Resource: a.proxyUserArn },
      { Sid: "Secrets", Effect: "Allow", Action: "secretsmanager:GetSecretValue", Resource: [...a.secretArns] },
      { Sid: "AsyncFailures", Effect: "Allow", Action: "sqs:SendMessage", Resource: a.failureQueueArn },
      { Sid: "Key", Effect: "Allow", Action: ["kms:Decrypt", "kms:GenerateDataKey"], Resource: a.kmsKeyArn },
    ],
  };
}

/**
 * End-to-end IAM: the proxy connects to PostgreSQL with its own IAM token for the application user, so no
 * password for that user exists anywhere. The instance's resource id is not among the data layer's outputs,
 * so the grant names the user on any instance of the account and region; the user name is the environment's own.
 */
export function rdsProxyPolicy(a: { readonly partition: string; readonly region: string; readonly accountId: string; readonly user: string }): PolicyDocument {
  return {
    Version: "2012-10-17",
    Statement: [{ Sid: "ConnectAsApplicationUser", Effect: "Allow", Action: "rds-db:connect", Resource: dbUserArn(a.partition, a.region, a.accountId, "*", a.user) }],
  };
}

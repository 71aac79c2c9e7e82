import type { PolicyDocument } from "../iam-policies";

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

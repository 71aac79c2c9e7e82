import { MANAGED_POLICIES } from "../../iam/managed-policies";
import type { PolicyDocument } from "../iam-policies";

/** The resource id RDS Proxy's IAM tokens are scoped to: the last part of its ARN (…:db-proxy:prx-0123abcd). */
export function proxyResourceId(proxyArn: string): string {
  return proxyArn.split(":").pop() ?? proxyArn;
}

/**
 * What a function in a VPC needs to place its network interfaces: the ec2 actions of AWS's policy for that
 * (AWSLambdaVPCAccessExecutionRole), granted inline without the same policy's logs actions on every log group.
 * AWS accepts no narrower resource for them.
 */
export const VPC_NETWORK_INTERFACES: Readonly<Record<string, unknown>> = {
  Sid: "VpcNetworkInterfaces",
  Effect: "Allow",
  Action: MANAGED_POLICIES.AWSLambdaVPCAccessExecutionRole.grants.flatMap((grant) => grant.actions.filter((action) => action.startsWith("ec2:"))),
  Resource: "*",
};

/**
 * What the function may do, and nothing else: write its own log group, place its network interfaces in the VPC,
 * connect as the application user through the proxy (IAM token), read the secrets SECRET_REFERENCES names, send
 * failed async events to its queue, and decrypt with the environment's key.
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
      VPC_NETWORK_INTERFACES,
      { Sid: "DatabaseThroughProxy", Effect: "Allow", Action: "rds-db:connect", Resource: a.proxyUserArn },
      { Sid: "Secrets", Effect: "Allow", Action: "secretsmanager:GetSecretValue", Resource: [...a.secretArns] },
      { Sid: "AsyncFailures", Effect: "Allow", Action: "sqs:SendMessage", Resource: a.failureQueueArn },
      { Sid: "Key", Effect: "Allow", Action: ["kms:Decrypt", "kms:GenerateDataKey"], Resource: a.kmsKeyArn },
    ],
  };
}

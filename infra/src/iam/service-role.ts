/**
 * The one shape of a role an AWS service assumes: its trust policy (with the confused-deputy guard where the
 * service sends aws:SourceAccount / aws:SourceArn) and the workload permissions boundary every role the layers
 * create must carry. Every service role of every layer is built here, so the guard is written once.
 */
import * as aws from "@pulumi/aws";
import * as pulumi from "@pulumi/pulumi";
import { workloadBoundaryArn } from "../layers/permissions-boundary";

/** The account a role lives in, as the trust policy and the boundary ARN need it. */
export interface RoleAccount {
  readonly partition: string;
  readonly accountId: string;
}

/** Who may assume a role: one service principal, optionally held to one account and one source ARN pattern. */
export interface ServiceTrust {
  /** Service principal, e.g. ecs-tasks.amazonaws.com. Required. */
  readonly service: string;
  /** Action(s) the service may call, kept as given (a string or a list). Default: "sts:AssumeRole". */
  readonly actions?: string | readonly string[];
  /** Statement id. Default: none. */
  readonly sid?: string;
  /** aws:SourceAccount the service must act for (StringEquals). Default: no account condition. */
  readonly sourceAccount?: string;
  /** aws:SourceArn pattern the service must act for (ArnLike). Default: no ARN condition. */
  readonly sourceArn?: string;
  /** Further StringEquals conditions, after aws:SourceAccount (e.g. Pod Identity's session tags). Default: none. */
  readonly stringEquals?: Readonly<Record<string, string>>;
}

export interface TrustStatement {
  readonly Sid?: string;
  readonly Effect: "Allow";
  readonly Principal: { readonly Service: string };
  readonly Action: string | string[];
  readonly Condition?: Readonly<Record<string, Readonly<Record<string, string>>>>;
}

export interface TrustPolicyDocument {
  readonly Version: "2012-10-17";
  readonly Statement: readonly TrustStatement[];
}

/**
 * The trust policy of a service role. Without sourceAccount/sourceArn the statement has no Condition: only for
 * services that do not send the keys (EKS, EC2), where a condition would refuse the service itself.
 */
export function serviceTrustPolicy(trust: ServiceTrust): TrustPolicyDocument {
  const stringEquals = { ...(trust.sourceAccount === undefined ? {} : { "aws:SourceAccount": trust.sourceAccount }), ...trust.stringEquals };
  const condition = {
    ...(Object.keys(stringEquals).length > 0 ? { StringEquals: stringEquals } : {}),
    ...(trust.sourceArn === undefined ? {} : { ArnLike: { "aws:SourceArn": trust.sourceArn } }),
  };
  const actions = trust.actions ?? "sts:AssumeRole";
  return {
    Version: "2012-10-17",
    Statement: [
      {
        ...(trust.sid === undefined ? {} : { Sid: trust.sid }),
        Effect: "Allow",
        Principal: { Service: trust.service },
        Action: typeof actions === "string" ? actions : [...actions],
        ...(Object.keys(condition).length > 0 ? { Condition: condition } : {}),
      },
    ],
  };
}

export interface ServiceRoleArgs<A extends RoleAccount = RoleAccount> {
  /** What the role is for, shown in IAM. Required. */
  readonly description: pulumi.Input<string>;
  /**
   * The account the role lives in (partition and id, as values or Outputs): the boundary's ARN and, usually, the
   * trust's guard. Required.
   */
  readonly account: pulumi.Input<{ readonly [K in keyof A]: pulumi.Input<A[K]> }>;
  /** Its trust policy (serviceTrustPolicy()), given the resolved account. Required. */
  readonly trust: (account: A) => TrustPolicyDocument;
  readonly tags?: pulumi.Input<Record<string, pulumi.Input<string>>>;
}

/**
 * A role an AWS service assumes, with the workload permissions boundary (the deploy role may create no role
 * without it, docs/ci-cd.md). A function, not a component: the role keeps the logical name and parent it is given.
 */
export function serviceRole<A extends RoleAccount>(name: string, args: ServiceRoleArgs<A>, opts: pulumi.CustomResourceOptions): aws.iam.Role {
  // An Output is used as it is: pulumi.output() would wrap it in one more apply for nothing.
  const account = (pulumi.Output.isInstance(args.account) ? args.account : pulumi.output(args.account)) as pulumi.Output<A>;
  return new aws.iam.Role(
    name,
    {
      description: args.description,
      assumeRolePolicy: account.apply((resolved) => JSON.stringify(args.trust(resolved))),
      permissionsBoundary: account.apply((resolved) => workloadBoundaryArn(resolved.partition, resolved.accountId)),
      ...(args.tags === undefined ? {} : { tags: args.tags }),
    },
    opts,
  );
}

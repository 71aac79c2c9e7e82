import * as aws from "@pulumi/aws";
import * as pulumi from "@pulumi/pulumi";
import { databaseConnectPolicy } from "./iam-policies";

export interface DatabaseUserGrantArgs {
  /** The role (id) that signs the tokens: the ECS task role, or the pods' Pod Identity role on EKS. */
  readonly role: pulumi.Input<string>;
  readonly partition: pulumi.Input<string>;
  readonly accountId: pulumi.Input<string>;
  /** The database's region. */
  readonly region: string;
  /** The instance's DbiResourceId (db-…). */
  readonly resourceId: pulumi.Input<string>;
  /** The PostgreSQL user it may sign in as. */
  readonly username: pulumi.Input<string>;
}

/**
 * The one grant of a workload that signs in to PostgreSQL with IAM tokens (DB_AUTH=iam): rds-db:connect as
 * exactly that user of exactly that instance, the same on every platform.
 */
export function databaseUserGrant(name: string, args: DatabaseUserGrantArgs, opts: pulumi.CustomResourceOptions): aws.iam.RolePolicy {
  return new aws.iam.RolePolicy(
    name,
    {
      role: args.role,
      policy: pulumi
        .all([args.partition, args.accountId, args.resourceId, args.username])
        .apply(([partition, accountId, dbResourceId, username]) =>
          JSON.stringify(databaseConnectPolicy({ partition, region: args.region, accountId, dbResourceId, username })),
        ),
    },
    opts,
  );
}

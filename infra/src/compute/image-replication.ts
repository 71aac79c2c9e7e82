import * as aws from "@pulumi/aws";
import * as pulumi from "@pulumi/pulumi";
import { serviceRole, serviceTrustPolicy, type TrustPolicyDocument } from "../iam/service-role";

export interface ImageReplicationArgs {
  /** The ECR repository whose images must exist in the DR region, e.g. prod-release-ledger. Required. */
  readonly repositoryName: string;
  /** The DR region the images are copied to. Required; must differ from the provider's region. */
  readonly drRegion: string;
  /** The primary region (the provider's); only checked against drRegion. Required. */
  readonly primaryRegion: string;
  /** Provider in the DR region: the key, its alias and the creation template live there. Required. */
  readonly drProvider: aws.Provider;
  readonly tags?: Record<string, string>;
}

/**
 * The permissions ECR needs, acting through the template's role, to create the replicated repository and
 * encrypt it with the DR key (AWS documents this set for creation templates that name a KMS key).
 */
export function replicationRolePolicy(drKeyArn: string): Record<string, unknown> {
  return {
    Version: "2012-10-17",
    Statement: [
      { Effect: "Allow", Action: ["ecr:CreateRepository", "ecr:ReplicateImage", "ecr:TagResource"], Resource: "*" },
      { Effect: "Allow", Action: ["kms:CreateGrant", "kms:RetireGrant", "kms:DescribeKey"], Resource: drKeyArn },
    ],
  };
}

/** Trust policy of the template's role: only ECR, and only on behalf of this account. */
export function replicationTrustPolicy(accountId: string): TrustPolicyDocument {
  return serviceTrustPolicy({ service: "ecr.amazonaws.com", sourceAccount: accountId });
}

/**
 * Copies every image pushed to the service's repository into the DR region, so a restore there runs the very
 * digest production ran. ECR creates the copy on first replication from a creation template that gives it
 * production's settings (immutable tags, encryption with a customer key that lives in the DR region).
 *
 * The replication configuration is one per registry and region: this component owns it for the account.
 */
export class ImageReplication extends pulumi.ComponentResource {
  /** ARN of the KMS key that encrypts the replicated images. */
  readonly drKmsKeyArn: pulumi.Output<string>;
  /** <account>.dkr.ecr.<drRegion>.amazonaws.com/<repository>: where the recovery environment pulls from. */
  readonly drRepositoryUrl: pulumi.Output<string>;

  constructor(name: string, args: ImageReplicationArgs, opts?: pulumi.ComponentResourceOptions) {
    super("platform:compute:ImageReplication", name, {}, opts);
    if (args.drRegion === args.primaryRegion) {
      throw new pulumi.ResourceError(
        `ImageReplication ${name}: drRegion (${args.drRegion}) is the primary region; set platform:drRegion to another region.`,
        this,
      );
    }
    const parent = { parent: this };
    const inDr = { parent: this, provider: args.drProvider };
    const accountId = aws.getCallerIdentityOutput({}, parent).accountId;

    const key = new aws.kms.Key(
      `${name}-dr-key`,
      {
        description: `Images of ${args.repositoryName} replicated to the DR region`,
        enableKeyRotation: true,
        deletionWindowInDays: 30,
        tags: args.tags,
      },
      inDr,
    );
    new aws.kms.Alias(`${name}-dr-key`, { name: `alias/${args.repositoryName}-dr-images`, targetKeyId: key.keyId }, inDr);

    // Every role the deploy role creates carries the workload boundary (docs/ci-cd.md).
    const role = serviceRole(
      `${name}-template`,
      {
        description: `ECR creates ${args.repositoryName} in ${args.drRegion} with the DR key`,
        account: { partition: aws.getPartitionOutput({}, parent).partition, accountId },
        trust: ({ accountId: id }) => replicationTrustPolicy(id),
        tags: args.tags,
      },
      parent,
    );
    const rolePolicy = new aws.iam.RolePolicy(
      `${name}-template`,
      { role: role.id, policy: key.arn.apply((arn) => JSON.stringify(replicationRolePolicy(arn))) },
      parent,
    );

    const template = new aws.ecr.RepositoryCreationTemplate(
      `${name}-template`,
      {
        prefix: args.repositoryName,
        appliedFors: ["REPLICATION"],
        description: `Settings of ${args.repositoryName} replicated from ${args.primaryRegion}`,
        imageTagMutability: "IMMUTABLE",
        encryptionConfigurations: [{ encryptionType: "KMS", kmsKey: key.arn }],
        customRoleArn: role.arn,
        resourceTags: args.tags,
      },
      { ...inDr, dependsOn: [rolePolicy] },
    );

    new aws.ecr.ReplicationConfiguration(
      name,
      {
        replicationConfiguration: {
          rules: [
            {
              destinations: [{ region: args.drRegion, registryId: accountId }],
              repositoryFilters: [{ filter: args.repositoryName, filterType: "PREFIX_MATCH" }],
            },
          ],
        },
      },
      // The template must exist before the first image is copied, or ECR creates the copy with its defaults.
      { ...parent, dependsOn: [template] },
    );

    this.drKmsKeyArn = key.arn;
    this.drRepositoryUrl = pulumi.interpolate`${accountId}.dkr.ecr.${args.drRegion}.amazonaws.com/${args.repositoryName}`;
    this.registerOutputs({ drKmsKeyArn: this.drKmsKeyArn, drRepositoryUrl: this.drRepositoryUrl });
  }
}

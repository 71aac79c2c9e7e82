import * as aws from "@pulumi/aws";
import * as pulumi from "@pulumi/pulumi";
import { alertSubscriptionName, validateAlertEmails } from "./alert-subscriptions";
import { alertTopicPolicy, foundationKeyPolicy } from "./policies";

/** Type token of KeyAndAlertTopic, unchanged since the component was called Foundations (see the constructor). */
export const FOUNDATIONS_TYPE = "platform:network:Foundations";

export interface KeyAndAlertTopicArgs {
  /** Region the key and topic live in (the environment's awsRegion); used in the service principals. */
  readonly region: string;
  /** Addresses subscribed to the alert topic by e-mail; at least one. No default. */
  readonly alertEmails: readonly string[];
  /** Tags for every taggable resource (layerTags(environment, "network")). No default. */
  readonly tags: Readonly<Record<string, string>>;
  /** Days KMS waits before deleting the key once scheduled (7-30). Default 30: the longest undo window. */
  readonly keyDeletionWindowDays?: number;
  /** Alias of the key, without "alias/". Default `platform/<name>`. */
  readonly keyAlias?: string;
}

/**
 * The environment's customer-managed KMS key (rotation on) for logs, secrets and data at rest, and the encrypted
 * SNS topic every alarm notifies: what the later layers need before anything else.
 */
export class KeyAndAlertTopic extends pulumi.ComponentResource {
  public readonly kmsKeyArn: pulumi.Output<string>;
  public readonly kmsKeyId: pulumi.Output<string>;
  public readonly kmsAliasName: pulumi.Output<string>;
  public readonly alertTopicArn: pulumi.Output<string>;

  constructor(name: string, args: KeyAndAlertTopicArgs, opts?: pulumi.ComponentResourceOptions) {
    // The type token keeps the component's first name, Foundations: it is part of the URN of the key, its alias,
    // the topic and the subscriptions, and a new token would make every deployed environment re-address them.
    super(FOUNDATIONS_TYPE, name, {}, opts);
    let emails: string[];
    try {
      emails = validateAlertEmails(args.alertEmails);
    } catch (error) {
      throw new pulumi.ResourceError((error as Error).message, this);
    }
    const deletionWindow = args.keyDeletionWindowDays ?? 30;
    if (!Number.isInteger(deletionWindow) || deletionWindow < 7 || deletionWindow > 30) {
      throw new pulumi.ResourceError(`keyDeletionWindowDays ${deletionWindow} is outside 7-30, the range KMS accepts.`, this);
    }

    const invokeOpts = { parent: this };
    const account = pulumi
      .all([aws.getCallerIdentityOutput({}, invokeOpts).accountId, aws.getPartitionOutput({}, invokeOpts).partition])
      .apply(([accountId, partition]) => ({ accountId, partition, region: args.region }));

    const key = new aws.kms.Key(
      name,
      {
        description: `Logs, secrets and data at rest of ${name}`,
        enableKeyRotation: true,
        rotationPeriodInDays: 365,
        deletionWindowInDays: deletionWindow,
        // Set at creation (not as a separate KeyPolicy) so the Logs statement exists before any log group
        // tries to use the key.
        policy: account.apply((ctx) => JSON.stringify(foundationKeyPolicy(ctx))),
        tags: { ...args.tags, Name: name },
      },
      { parent: this },
    );
    const alias = new aws.kms.Alias(name, { name: `alias/${args.keyAlias ?? `platform/${name}`}`, targetKeyId: key.keyId }, { parent: this });

    const topic = new aws.sns.Topic(`${name}-alerts`, { kmsMasterKeyId: key.arn, tags: { ...args.tags, Name: `${name}-alerts` } }, { parent: this });
    new aws.sns.TopicPolicy(
      `${name}-alerts`,
      {
        arn: topic.arn,
        policy: pulumi.all([account, topic.arn]).apply(([ctx, topicArn]) => JSON.stringify(alertTopicPolicy({ ...ctx, topicArn }))),
      },
      { parent: this },
    );
    for (const email of emails) {
      // An e-mail subscription stays "pending confirmation" until the recipient clicks the link in the mail.
      new aws.sns.TopicSubscription(alertSubscriptionName(`${name}-alerts`, email), { topic: topic.arn, protocol: "email", endpoint: email }, { parent: this });
    }

    this.kmsKeyArn = key.arn;
    this.kmsKeyId = key.keyId;
    this.kmsAliasName = alias.name;
    this.alertTopicArn = topic.arn;
    this.registerOutputs({
      kmsKeyArn: this.kmsKeyArn,
      kmsKeyId: this.kmsKeyId,
      kmsAliasName: this.kmsAliasName,
      alertTopicArn: this.alertTopicArn,
    });
  }
}

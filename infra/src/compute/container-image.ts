import * as path from "node:path";
import * as aws from "@pulumi/aws";
import * as docker from "@pulumi/docker";
import * as pulumi from "@pulumi/pulumi";
import { REPOSITORY_ROOT } from "../environment/load";
import { digestOf, parseImageReference, repositoryArnOf } from "./image-reference";
import { buildIdentity, imageTag, type BuildIdentity } from "./image-tag";

export interface ContainerImageBuild {
  /** Build context, absolute. Default: the repository root (the service contract's context). */
  readonly context?: string;
  /** Dockerfile, relative to the context or absolute. Default: service/Dockerfile (beside it: Dockerfile.dockerignore). */
  readonly dockerfile?: string;
  /** Target platform. Default: linux/amd64 (the Fargate tasks run X86_64). */
  readonly platform?: string;
  /** Tag for the push (never deployed by). Default: imageTag() of the context: inputs hash, commit, build id. */
  readonly tag?: string;
  /** The build's commit and id, for the default tag. Default: buildIdentity() (CI's variables, else git and clock). */
  readonly identity?: BuildIdentity;
}

export interface ContainerImageArgs {
  /** ECR repository name, e.g. staging-release-ledger. Required; it appears in every image reference. */
  readonly repositoryName: string;
  /** KMS key ARN the repository encrypts images with. Default: AES256 (S3-managed). */
  readonly kmsKeyArn?: pulumi.Input<string>;
  /**
   * An image to deploy as is, <registry>/<repo>@sha256:<64 hex> (a promotion or rollback). When set,
   * nothing is built: no docker.Image resource exists. Default: build from `build`.
   */
  readonly image?: string;
  /** How to build when no image is given. Default: the service image from the repository root. */
  readonly build?: ContainerImageBuild;
  /** Images the lifecycle policy keeps, newest first. Default: 100 (promotion and rollback targets live here). */
  readonly keepImages?: number;
  /** Days before an untagged image expires. Default: 14. */
  readonly untaggedExpiryDays?: number;
  /** Refuse to delete the repository while it holds images. Default: true. */
  readonly retainImages?: boolean;
  readonly tags?: Record<string, string>;
}

/** ECR lifecycle policy: expire untagged images, keep the newest `keep` images. */
export function ecrLifecyclePolicy(keep: number, untaggedExpiryDays: number): string {
  if (!Number.isInteger(keep) || keep < 1) throw new RangeError(`keepImages must be a positive integer, got ${keep}.`);
  if (!Number.isInteger(untaggedExpiryDays) || untaggedExpiryDays < 1) {
    throw new RangeError(`untaggedExpiryDays must be a positive integer, got ${untaggedExpiryDays}.`);
  }
  return JSON.stringify({
    rules: [
      {
        rulePriority: 1,
        description: `Expire untagged images after ${untaggedExpiryDays} days`,
        selection: { tagStatus: "untagged", countType: "sinceImagePushed", countUnit: "days", countNumber: untaggedExpiryDays },
        action: { type: "expire" },
      },
      {
        rulePriority: 2,
        description: `Keep the newest ${keep} images`,
        selection: { tagStatus: "any", countType: "imageCountMoreThan", countNumber: keep },
        action: { type: "expire" },
      },
    ],
  });
}

/**
 * The service's ECR repository and the image to deploy, always by digest. Either builds the image from
 * source and pushes it (imageRef = the pushed repoDigest), or takes a given digest and builds nothing.
 */
export class ContainerImage extends pulumi.ComponentResource {
  readonly repository: aws.ecr.Repository;
  readonly repositoryUrl: pulumi.Output<string>;
  readonly repositoryArn: pulumi.Output<string>;
  /** <repository>@sha256:<64 hex>: what the task definition runs. */
  readonly imageRef: pulumi.Output<string>;
  /** sha256:<64 hex> */
  readonly imageDigest: pulumi.Output<string>;
  /** Repositories the execution role must pull from: this one, and the given image's when it lives elsewhere. */
  readonly pullRepositoryArns: pulumi.Output<string[]>;
  /** The build, when one happens; undefined for a promotion or rollback. */
  readonly build?: docker.Image;

  constructor(name: string, args: ContainerImageArgs, opts?: pulumi.ComponentResourceOptions) {
    super("platform:compute:ContainerImage", name, {}, opts);
    const given = args.image === undefined ? undefined : parseImageReferenceFor(args.image, this);
    const parent = { parent: this };

    this.repository = new aws.ecr.Repository(
      name,
      {
        name: args.repositoryName,
        imageTagMutability: "IMMUTABLE",
        imageScanningConfiguration: { scanOnPush: true },
        encryptionConfigurations: [args.kmsKeyArn === undefined ? { encryptionType: "AES256" } : { encryptionType: "KMS", kmsKey: args.kmsKeyArn }],
        forceDelete: !(args.retainImages ?? true),
        tags: args.tags,
      },
      parent,
    );
    new aws.ecr.LifecyclePolicy(
      `${name}-lifecycle`,
      { repository: this.repository.name, policy: ecrLifecyclePolicy(args.keepImages ?? 100, args.untaggedExpiryDays ?? 14) },
      parent,
    );
    this.repositoryUrl = this.repository.repositoryUrl;
    this.repositoryArn = this.repository.arn;

    if (given) {
      this.imageRef = pulumi.output(given.ref);
      const givenArn = repositoryArnOf(given);
      this.pullRepositoryArns = this.repository.arn.apply((own) => (own === givenArn ? [own] : [own, givenArn]));
    } else {
      const build = args.build ?? {};
      const context = build.context ?? REPOSITORY_ROOT;
      const tag = build.tag ?? imageTag(context, build.identity ?? buildIdentity());
      const auth = aws.ecr.getAuthorizationTokenOutput({ registryId: this.repository.registryId }, parent);
      this.build = new docker.Image(
        `${name}-build`,
        {
          imageName: pulumi.interpolate`${this.repository.repositoryUrl}:${tag}`,
          build: {
            context,
            // Absolute: the provider resolves a relative dockerfile against the program's directory
            // (stacks/compute), not the context (pulumi/pulumi-docker#572). BuildKit then also reads the
            // Dockerfile.dockerignore beside it.
            dockerfile: path.resolve(context, build.dockerfile ?? "service/Dockerfile"),
            platform: build.platform ?? "linux/amd64",
            builderVersion: "BuilderBuildKit",
          },
          registry: {
            server: this.repository.repositoryUrl,
            username: auth.userName,
            password: pulumi.secret(auth.password),
          },
        },
        parent,
      );
      this.imageRef = this.build.repoDigest.apply((repoDigest) => {
        digestOf(repoDigest);
        return repoDigest;
      });
      this.pullRepositoryArns = this.repository.arn.apply((own) => [own]);
    }
    this.imageDigest = this.imageRef.apply(digestOf);

    this.registerOutputs({
      repositoryUrl: this.repositoryUrl,
      repositoryArn: this.repositoryArn,
      imageRef: this.imageRef,
      imageDigest: this.imageDigest,
      pullRepositoryArns: this.pullRepositoryArns,
    });
  }
}

function parseImageReferenceFor(image: string, resource: pulumi.Resource) {
  try {
    return parseImageReference(image);
  } catch (error) {
    throw new pulumi.ResourceError((error as Error).message, resource);
  }
}

/**
 * Image references the compute layer deploys. A release is always pinned by digest: a tag can be moved,
 * a digest cannot, so what was tested in staging is byte for byte what runs in production.
 */

/** An ECR image pinned by digest, taken apart. */
export interface ImageReference {
  /** The whole reference: <registry>/<repository>@sha256:<64 hex>. */
  readonly ref: string;
  /** <account>.dkr.ecr.<region>.amazonaws.com */
  readonly registry: string;
  readonly accountId: string;
  readonly region: string;
  /** Repository name inside the registry, e.g. staging-service. */
  readonly repository: string;
  /** sha256:<64 hex> */
  readonly digest: string;
}

export class ImageReferenceError extends Error {
  override readonly name = "ImageReferenceError";
}

const EXAMPLE = "123456789012.dkr.ecr.eu-west-1.amazonaws.com/service@sha256:<64 hex digits>";
const ECR_REGISTRY = /^(\d{12})\.dkr\.ecr\.([a-z]{2}(?:-gov|-iso[a-z]*)?-[a-z]+-\d)\.amazonaws\.com(?:\.cn)?$/;
const REPOSITORY = /^[a-z0-9]+(?:[._-][a-z0-9]+)*(?:\/[a-z0-9]+(?:[._-][a-z0-9]+)*)*$/;
const DIGEST = /^sha256:[0-9a-f]{64}$/;

/**
 * Parses and checks an image reference given to deploy (promotion or rollback). Only ECR references are
 * accepted: Fargate pulls them with the execution role, which is granted exactly that repository.
 * Throws ImageReferenceError saying what is wrong and what a good value looks like.
 */
export function parseImageReference(value: string, source = "image"): ImageReference {
  const ref = value.trim();
  const fail = (problem: string): never => {
    throw new ImageReferenceError(
      `${source} "${value}" ${problem}. Give an ECR image pinned by digest, e.g. ${EXAMPLE} ` +
        "(devctl promote/rollback set it from another stack's imageRef output).",
    );
  };
  if (ref.length === 0) return fail("is empty");
  const at = ref.indexOf("@");
  if (at < 0) {
    return fail(ref.includes(":", ref.indexOf("/") + 1) ? "is pinned by tag, which can move; it needs @sha256:<digest>" : "has no @sha256:<digest>");
  }
  const name = ref.slice(0, at);
  const digest = ref.slice(at + 1);
  if (!DIGEST.test(digest)) return fail(`has digest "${digest}", which is not sha256: followed by 64 lower-case hex digits`);
  const slash = name.indexOf("/");
  if (slash < 0) return fail("has no registry; it must start with <account>.dkr.ecr.<region>.amazonaws.com/");
  const registry = name.slice(0, slash);
  const repositoryWithTag = name.slice(slash + 1);
  if (repositoryWithTag.includes(":")) return fail("has both a tag and a digest; give the digest only");
  const registryMatch = ECR_REGISTRY.exec(registry);
  if (!registryMatch) return fail(`has registry "${registry}", which is not an ECR registry (<account>.dkr.ecr.<region>.amazonaws.com)`);
  if (!REPOSITORY.test(repositoryWithTag)) return fail(`has repository "${repositoryWithTag}", which is not a valid ECR repository name`);
  return {
    ref,
    registry,
    accountId: registryMatch[1]!,
    region: registryMatch[2]!,
    repository: repositoryWithTag,
    digest,
  };
}

/** The digest part (sha256:<hex>) of a repo digest such as docker.Image's repoDigest output. */
export function digestOf(repoDigest: string): string {
  const digest = repoDigest.slice(repoDigest.lastIndexOf("@") + 1);
  if (!DIGEST.test(digest)) {
    throw new ImageReferenceError(`"${repoDigest}" does not end in @sha256:<64 hex>; the image was not pushed by digest.`);
  }
  return digest;
}

/** ARN of the ECR repository an image reference points into (for the execution role's pull permission). */
export function repositoryArnOf(image: ImageReference): string {
  const partition = image.registry.endsWith(".cn") ? "aws-cn" : image.region.startsWith("us-gov-") ? "aws-us-gov" : "aws";
  return `arn:${partition}:ecr:${image.region}:${image.accountId}:repository/${image.repository}`;
}

import * as pulumi from "@pulumi/pulumi";
import * as random from "@pulumi/random";

/**
 * Header CloudFront adds to every request to the origin. The ALB forwards only requests that carry it with
 * the deploy-time secret, so reaching origin.<domain> from a CloudFront distribution that is not ours (the
 * security group admits every CloudFront address) still ends in a 403.
 */
export const ORIGIN_VERIFY_HEADER_NAME = "X-Origin-Verify";

export interface OriginVerifyHeader {
  readonly name: string;
  /** Secret: it is only as good as nobody outside CloudFront and the ALB knowing it. */
  readonly value: pulumi.Input<string>;
}

/** ALB header conditions: names of at most 40 token characters (RFC 7230), values of at most 128. */
const HEADER_NAME = /^[A-Za-z0-9!#$%&'*+.^_`|~-]{1,40}$/;

/** Throws a message naming the fix when the ALB or CloudFront would reject the header name. */
export function validateOriginVerifyHeaderName(name: string): void {
  if (!HEADER_NAME.test(name)) {
    throw new Error(
      `originVerifyHeader.name "${name}" is not an HTTP header name the ALB accepts; use 1-40 letters, digits or hyphens, e.g. ${ORIGIN_VERIFY_HEADER_NAME}.`,
    );
  }
  if (/^host$/i.test(name)) throw new Error(`originVerifyHeader.name must not be Host; use e.g. ${ORIGIN_VERIFY_HEADER_NAME}.`);
}

/**
 * The origin-verification header with a fresh 32-character secret, generated once at the first deploy and
 * kept in the stack's state (secret). Letters and digits only: ALB header patterns treat * and ? as
 * wildcards. Replacing the resource (or `pulumi up --replace` on it) rotates the value.
 */
export function originVerifyHeader(name: string, opts?: pulumi.CustomResourceOptions): OriginVerifyHeader {
  const password = new random.RandomPassword(name, { length: 32, special: false }, opts);
  return { name: ORIGIN_VERIFY_HEADER_NAME, value: pulumi.secret(password.result) };
}

import { describe, expect, it } from "vitest";
import { digestOf, ImageReferenceError, parseImageReference, repositoryArnOf } from "./image-reference";

const HEX = "a".repeat(64);
const GOOD = `123456789012.dkr.ecr.eu-west-1.amazonaws.com/staging-release-ledger@sha256:${HEX}`;

describe("parseImageReference", () => {
  it("takes an ECR digest reference apart", () => {
    expect(parseImageReference(GOOD)).toEqual({
      ref: GOOD,
      registry: "123456789012.dkr.ecr.eu-west-1.amazonaws.com",
      accountId: "123456789012",
      region: "eu-west-1",
      repository: "staging-release-ledger",
      digest: `sha256:${HEX}`,
    });
    expect(parseImageReference(`123456789012.dkr.ecr.eu-west-1.amazonaws.com/team/app@sha256:${HEX}`).repository).toBe("team/app");
  });

  it.each([
    ["", /is empty/],
    [`123456789012.dkr.ecr.eu-west-1.amazonaws.com/app:v1`, /pinned by tag/],
    [`123456789012.dkr.ecr.eu-west-1.amazonaws.com/app`, /no @sha256/],
    [`123456789012.dkr.ecr.eu-west-1.amazonaws.com/app@sha256:${"a".repeat(63)}`, /64 lower-case hex/],
    [`123456789012.dkr.ecr.eu-west-1.amazonaws.com/app@sha256:${"A".repeat(64)}`, /64 lower-case hex/],
    [`123456789012.dkr.ecr.eu-west-1.amazonaws.com/app:v1@sha256:${HEX}`, /both a tag and a digest/],
    [`docker.io/library/node@sha256:${HEX}`, /not an ECR registry/],
    [`app@sha256:${HEX}`, /no registry/],
    [`123456789012.dkr.ecr.eu-west-1.amazonaws.com/App@sha256:${HEX}`, /not a valid ECR repository/],
  ])("refuses %j with a message saying why", (value, why) => {
    expect(() => parseImageReference(value, "platform-compute:image")).toThrow(ImageReferenceError);
    expect(() => parseImageReference(value, "platform-compute:image")).toThrow(why);
    expect(() => parseImageReference(value, "platform-compute:image")).toThrow(/platform-compute:image .*e\.g\. 123456789012\.dkr\.ecr/);
  });
});

describe("digestOf and repositoryArnOf", () => {
  it("returns the digest of a repo digest and refuses anything else", () => {
    expect(digestOf(GOOD)).toBe(`sha256:${HEX}`);
    expect(() => digestOf("123456789012.dkr.ecr.eu-west-1.amazonaws.com/app:latest")).toThrow(/not pushed by digest/);
  });
  it("derives the repository ARN, partition included", () => {
    expect(repositoryArnOf(parseImageReference(GOOD))).toBe("arn:aws:ecr:eu-west-1:123456789012:repository/staging-release-ledger");
    expect(repositoryArnOf(parseImageReference(`123456789012.dkr.ecr.cn-north-1.amazonaws.com.cn/app@sha256:${HEX}`))).toMatch(/^arn:aws-cn:ecr:cn-north-1:/);
  });
});

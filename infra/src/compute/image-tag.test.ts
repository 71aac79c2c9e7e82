import { mkdirSync, mkdtempSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { buildIdentity, imageTag } from "./image-tag";

function tree(files: Record<string, string>): string {
  const root = mkdtempSync(join(tmpdir(), "image-tag-"));
  for (const [path, content] of Object.entries(files)) {
    mkdirSync(join(root, path, ".."), { recursive: true });
    writeFileSync(join(root, path), content);
  }
  return root;
}

const BUILD = { commit: "0123456789abcdef0123456789abcdef01234567", buildId: "gh42.1" };

describe("imageTag", () => {
  const base = { "service/src/app.ts": "a", "service/Dockerfile": "FROM node", "package.json": "{}", "pnpm-lock.yaml": "x" };
  it("is stable for the same inputs and ignores build output and dependencies", () => {
    const a = tree(base);
    const b = tree({ ...base, "service/node_modules/x/index.js": "junk", "service/dist/server.js": "built" });
    expect(imageTag(a, BUILD)).toMatch(/^build-[0-9a-f]{20}-0123456789ab-gh42\.1$/);
    expect(imageTag(a, BUILD)).toBe(imageTag(b, BUILD));
  });
  it("ignores what the tests leave behind (the browser tests' screenshots), so a test run does not make a plan show a new image", () => {
    expect(imageTag(tree({ ...base, "service/test-results/page.png": "pixels" }), BUILD)).toBe(imageTag(tree(base), BUILD));
  });
  it("changes when a source file, the lockfile or a file name changes (immutable tags need a new one)", () => {
    const tag = imageTag(tree(base), BUILD);
    expect(imageTag(tree({ ...base, "service/src/app.ts": "b" }), BUILD)).not.toBe(tag);
    expect(imageTag(tree({ ...base, "pnpm-lock.yaml": "y" }), BUILD)).not.toBe(tag);
    const { "service/src/app.ts": content, ...rest } = base;
    expect(imageTag(tree({ ...rest, "service/src/main.ts": content }), BUILD)).not.toBe(tag);
  });

  it("differs between two builds of the same source: ECR refuses a new digest under an existing immutable tag", () => {
    const root = tree(base);
    // After `devctl rollback` drops the image resource, the next `up` of the same source builds again.
    expect(imageTag(root, { ...BUILD, buildId: "gh43.1" })).not.toBe(imageTag(root, BUILD));
    expect(imageTag(root, { ...BUILD, commit: "fedcba9876543210fedcba9876543210fedcba98" })).not.toBe(imageTag(root, BUILD));
  });
});

describe("buildIdentity", () => {
  const now = new Date("2026-11-30T02:30:05Z");
  it("takes the commit and run of a GitHub Actions build", () => {
    expect(buildIdentity({ GITHUB_SHA: "ABCDEF0123456789abcdef0123456789abcdef01", GITHUB_RUN_ID: "987", GITHUB_RUN_ATTEMPT: "2" }, now)).toEqual({
      commit: "abcdef0123456789abcdef0123456789abcdef01",
      buildId: "gh987.2",
    });
  });
  it("elsewhere: the repository's HEAD, DEVCTL_BUILD_ID, else the time and a random suffix (unique per build)", () => {
    const local = buildIdentity(
      {},
      now,
      () => "0123456789abcdef0123456789abcdef01234567",
      () => "c0ffee",
    );
    expect(local).toEqual({ commit: "0123456789abcdef0123456789abcdef01234567", buildId: "20261130T023005-c0ffee" });
    expect(buildIdentity({ DEVCTL_BUILD_ID: "nightly/7 x" }, now, () => undefined).buildId).toBe("nightly-7-x");
    expect(buildIdentity({}, now, () => undefined).commit).toBe("nocommit");
    expect(buildIdentity({}, now).buildId).not.toBe(buildIdentity({}, now).buildId);
  });
  it("always yields a valid ECR tag (at most 128 of [A-Za-z0-9._-])", () => {
    const tag = imageTag(
      tree({ x: "1" }),
      buildIdentity({ DEVCTL_BUILD_ID: "é".repeat(300) }, now, () => undefined),
      ["x"],
    );
    expect(tag).toMatch(/^[A-Za-z0-9._-]{1,128}$/);
  });
});

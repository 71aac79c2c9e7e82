import { execFileSync } from "node:child_process";
import { createHash, randomBytes } from "node:crypto";
import { readdirSync, readFileSync, statSync } from "node:fs";
import { join, relative, sep } from "node:path";

/**
 * The tag an image build is pushed under. The ECR repository has IMMUTABLE tags, so every build needs a tag
 * of its own: a rebuild of the same source (after `devctl rollback` dropped the image resource, or with a new
 * base image) yields a new digest, which ECR refuses under an existing tag. The tag names the source (inputs
 * hash), the commit and the build; deploys never use it (they pin the pushed digest).
 */

/** Paths (relative to the repository root) that go into the service image. */
export const SERVICE_IMAGE_INPUTS = ["service", "package.json", "pnpm-lock.yaml", "pnpm-workspace.yaml", "tsconfig.base.json"] as const;

/**
 * Directory names that never enter the image (build output, dependencies, local data, test output); the build
 * context leaves them out too (service/Dockerfile.dockerignore).
 */
const SKIPPED_DIRECTORIES = new Set(["node_modules", "dist", ".data", "coverage", ".turbo", ".git", "test-results"]);

/**
 * sha256 over the relative path and content of every file under `inputs`, in a stable order.
 * A missing input counts as absent (its name still enters the hash), so a renamed file changes the tag.
 */
export function imageInputsHash(root: string, inputs: readonly string[] = SERVICE_IMAGE_INPUTS): string {
  const hash = createHash("sha256");
  const files: string[] = [];
  const walk = (path: string): void => {
    let stat;
    try {
      stat = statSync(path);
    } catch {
      hash.update(`missing:${relative(root, path).split(sep).join("/")}\0`);
      return;
    }
    if (stat.isDirectory()) {
      for (const entry of readdirSync(path).sort()) {
        if (!SKIPPED_DIRECTORIES.has(entry)) walk(join(path, entry));
      }
    } else if (stat.isFile()) {
      files.push(path);
    }
  };
  for (const input of [...inputs].sort()) walk(join(root, input));
  for (const file of files) {
    hash.update(`${relative(root, file).split(sep).join("/")}\0`);
    hash.update(readFileSync(file));
    hash.update("\0");
  }
  return hash.digest("hex");
}

/** Which build this is: the commit built and an id no other build shares. */
export interface BuildIdentity {
  /** Full commit SHA (lower-case hex), or "nocommit" outside a git checkout. */
  readonly commit: string;
  /** Unique per build: the CI run and attempt, DEVCTL_BUILD_ID, else the time and a random suffix. */
  readonly buildId: string;
}

/** ECR tags: at most 128 of [A-Za-z0-9._-]; the build id keeps what fits after hash and commit. */
const BUILD_ID_MAX = 64;
const sanitize = (value: string) =>
  value
    .replace(/[^A-Za-z0-9._-]+/g, "-")
    .replace(/^[-.]+|[-.]+$/g, "")
    .slice(0, BUILD_ID_MAX);

function gitHead(): string | undefined {
  try {
    return execFileSync("git", ["rev-parse", "HEAD"], { cwd: __dirname, encoding: "utf8", stdio: ["ignore", "pipe", "ignore"] }).trim();
  } catch {
    return undefined;
  }
}

/** The build identity from CI's variables (GitHub Actions), else the local checkout and clock. */
export function buildIdentity(
  env: Readonly<Record<string, string | undefined>> = process.env,
  now: Date = new Date(),
  head: () => string | undefined = gitHead,
  random: () => string = () => randomBytes(3).toString("hex"),
): BuildIdentity {
  const sha = (env.GITHUB_SHA ?? head() ?? "").toLowerCase();
  const commit = /^[0-9a-f]{7,64}$/.test(sha) ? sha : "nocommit";
  const run = env.GITHUB_RUN_ID ? `gh${env.GITHUB_RUN_ID}.${env.GITHUB_RUN_ATTEMPT ?? "1"}` : env.DEVCTL_BUILD_ID;
  const stamp = now.toISOString().replace(/[-:]/g, "").replace(/\..*$/, "");
  return { commit, buildId: sanitize(run ?? "") || `${stamp}-${random()}` };
}

/** Image tag for a build: build-<20 hex of the inputs hash>-<12 of the commit>-<build id>. */
export function imageTag(root: string, build: BuildIdentity, inputs: readonly string[] = SERVICE_IMAGE_INPUTS): string {
  return `build-${imageInputsHash(root, inputs).slice(0, 20)}-${build.commit.slice(0, 12)}-${sanitize(build.buildId) || "local"}`;
}

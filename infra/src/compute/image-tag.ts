import { createHash } from "node:crypto";
import { readdirSync, readFileSync, statSync } from "node:fs";
import { join, relative, sep } from "node:path";

/**
 * The tag an image build is pushed under. The ECR repository has IMMUTABLE tags, so a tag must change
 * whenever the image's inputs change: it is a hash of those inputs. Deploys never use the tag (they use
 * the pushed digest); the tag only names the push.
 */

/** Paths (relative to the repository root) that go into the service image. */
export const SERVICE_IMAGE_INPUTS = [
  "service",
  "package.json",
  "pnpm-lock.yaml",
  "pnpm-workspace.yaml",
  "tsconfig.base.json",
] as const;

/** Directory names that never enter the image (build output, dependencies, local data). */
const SKIPPED_DIRECTORIES = new Set(["node_modules", "dist", ".data", "coverage", ".turbo", ".git"]);

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

/** Image tag for a build: "build-" and the first 20 hex digits of the inputs hash. */
export function imageTag(root: string, inputs: readonly string[] = SERVICE_IMAGE_INPUTS): string {
  return `build-${imageInputsHash(root, inputs).slice(0, 20)}`;
}

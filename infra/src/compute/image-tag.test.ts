import { mkdirSync, mkdtempSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { imageTag } from "./image-tag";

function tree(files: Record<string, string>): string {
  const root = mkdtempSync(join(tmpdir(), "image-tag-"));
  for (const [path, content] of Object.entries(files)) {
    mkdirSync(join(root, path, ".."), { recursive: true });
    writeFileSync(join(root, path), content);
  }
  return root;
}

describe("imageTag", () => {
  const base = { "service/src/app.ts": "a", "service/Dockerfile": "FROM node", "package.json": "{}", "pnpm-lock.yaml": "x" };
  it("is stable for the same inputs and ignores build output and dependencies", () => {
    const a = tree(base);
    const b = tree({ ...base, "service/node_modules/x/index.js": "junk", "service/dist/server.js": "built" });
    expect(imageTag(a)).toMatch(/^build-[0-9a-f]{20}$/);
    expect(imageTag(a)).toBe(imageTag(b));
  });
  it("changes when a source file, the lockfile or a file name changes (immutable tags need a new one)", () => {
    const tag = imageTag(tree(base));
    expect(imageTag(tree({ ...base, "service/src/app.ts": "b" }))).not.toBe(tag);
    expect(imageTag(tree({ ...base, "pnpm-lock.yaml": "y" }))).not.toBe(tag);
    const { "service/src/app.ts": content, ...rest } = base;
    expect(imageTag(tree({ ...rest, "service/src/main.ts": content }))).not.toBe(tag);
  });
});

import * as fs from "node:fs";
import { createRequire } from "node:module";
import * as os from "node:os";
import * as path from "node:path";
import { afterEach, beforeEach, describe, expect, it } from "vitest";

interface EnsureBuiltOptions {
  config: string;
  stamp: string;
  entry: string;
  extra: string[];
  rebuild: (config: string) => boolean;
}
// The script is plain CommonJS so that `pnpm devctl` starts without a compile step of its own.
const script = createRequire(__filename)("../scripts/devctl-from-source.cjs") as {
  buildInputs(config: string): string[];
  fingerprint(config: string, extra: string[]): string;
  ensureBuilt(options: EnsureBuiltOptions): boolean;
};

const REPOSITORY = path.resolve(__dirname, "..", "..");

describe("pnpm devctl: rebuild only when a build input changed", () => {
  let root: string;
  let options: EnsureBuiltOptions;
  let builds: number;
  let buildSucceeds: boolean;

  const write = (file: string, text: string) => {
    fs.mkdirSync(path.dirname(path.join(root, file)), { recursive: true });
    fs.writeFileSync(path.join(root, file), text);
  };
  /** Moves a file's mtime forward, as an editor save a second later would. */
  const touch = (file: string) => {
    const later = new Date(fs.statSync(path.join(root, file)).mtimeMs + 1000);
    fs.utimesSync(path.join(root, file), later, later);
  };

  beforeEach(() => {
    root = fs.mkdtempSync(path.join(os.tmpdir(), "devctl-fresh-"));
    write("tsconfig.base.json", JSON.stringify({ compilerOptions: { strict: true } }));
    write("lib/tsconfig.build.json", JSON.stringify({ extends: "../tsconfig.base.json", include: ["src"] }));
    write("lib/package.json", "{}");
    write("lib/src/index.ts", "export const a = 1;\n");
    write(
      "app/tsconfig.build.json",
      JSON.stringify({ extends: "../tsconfig.base.json", include: ["src"], references: [{ path: "../lib/tsconfig.build.json" }] }),
    );
    write("app/package.json", "{}");
    write("app/src/main.ts", "export const b = 2;\n");
    write("app/src/main.test.ts", "// not part of the build\n");
    write("pnpm-lock.yaml", "lockfileVersion: '9.0'\n");
    builds = 0;
    buildSucceeds = true;
    options = {
      config: path.join(root, "app", "tsconfig.build.json"),
      stamp: path.join(root, "app", "dist", ".source-stamp"),
      entry: path.join(root, "app", "dist", "main.js"),
      extra: [path.join(root, "pnpm-lock.yaml")],
      rebuild: () => {
        builds++;
        if (buildSucceeds) write("app/dist/main.js", "");
        return buildSucceeds;
      },
    };
  });
  afterEach(() => fs.rmSync(root, { recursive: true, force: true }));

  it("builds once, then runs the existing build while nothing changed", () => {
    expect(script.ensureBuilt(options)).toBe(true);
    expect(script.ensureBuilt(options)).toBe(true);
    expect(script.ensureBuilt(options)).toBe(true);
    expect(builds).toBe(1);
  });

  it.each([
    ["a source of the CLI is edited", () => touch("app/src/main.ts")],
    ["a source of a referenced project is edited", () => touch("lib/src/index.ts")],
    ["a source file is added", () => write("lib/src/more.ts", "export {};\n")],
    ["a source file is removed", () => fs.rmSync(path.join(root, "lib", "src", "index.ts"))],
    ["the shared tsconfig changes", () => write("tsconfig.base.json", JSON.stringify({ compilerOptions: { strict: false } }))],
    ["the lockfile changes (a dependency moved)", () => write("pnpm-lock.yaml", "lockfileVersion: '9.1'\n")],
    ["the built entry was deleted", () => fs.rmSync(path.join(root, "app", "dist", "main.js"))],
  ])("rebuilds when %s", (_, change) => {
    script.ensureBuilt(options);
    change();
    expect(script.ensureBuilt(options)).toBe(true);
    expect(builds).toBe(2);
  });

  it("does not rebuild for a test file, which the build excludes", () => {
    script.ensureBuilt(options);
    touch("app/src/main.test.ts");
    script.ensureBuilt(options);
    expect(builds).toBe(1);
  });

  it("a failed build leaves no stamp: the stale build is not run, and the next call builds again", () => {
    script.ensureBuilt(options);
    touch("app/src/main.ts");
    buildSucceeds = false;
    expect(script.ensureBuilt(options)).toBe(false);
    buildSucceeds = true;
    expect(script.ensureBuilt(options)).toBe(true);
    expect(builds).toBe(3);
  });

  it("covers the real build graph: devctl, infra and policy sources and configs, no tests", () => {
    const inputs = script.buildInputs(path.join(REPOSITORY, "cli", "tsconfig.build.json")).map((f) => path.relative(REPOSITORY, f));
    expect(inputs).toEqual(
      expect.arrayContaining(["cli/src/main.ts", "infra/src/layers/index.ts", "policy/src/rules/index.ts", "tsconfig.base.json", "infra/tsconfig.build.json"]),
    );
    expect(inputs.filter((f) => f.endsWith(".test.ts"))).toEqual([]);
  });
});

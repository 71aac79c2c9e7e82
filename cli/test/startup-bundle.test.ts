import { spawnSync } from "node:child_process";
import * as fs from "node:fs";
import * as os from "node:os";
import * as path from "node:path";
import { afterEach, beforeEach, describe, expect, it } from "vitest";

const CLI = path.resolve(__dirname, "..");
const BUNDLE = path.join(CLI, "dist", "devctl.js");
const HEAVY = /@pulumi[\\/]pulumi|@aws-sdk|[\\/]yaml[\\/]|[\\/]zod[\\/]|tsx/;

describe("the start-up bundle (dist/devctl.js)", () => {
  it.skipIf(!fs.existsSync(BUNDLE))("holds only the start-up path: no Pulumi, AWS SDK, YAML or TypeScript loader inside", () => {
    const inputs = JSON.parse(fs.readFileSync(path.join(CLI, "dist", "devctl.inputs.json"), "utf8")) as string[];
    expect(inputs).toEqual(expect.arrayContaining(["main.js", "commands/plan.js"]));
    expect(inputs.filter((file) => HEAVY.test(file))).toEqual([]);
    // errors.js stays one shared module, so a DevctlError thrown by an action is still recognised by main's handler.
    expect(inputs).not.toContain("errors.js");
  });

  it.skipIf(!fs.existsSync(BUNDLE))("devctl --help through the bundle loads no heavy module, and a failing action still gets its exit code", () => {
    const script = `const { main } = require(${JSON.stringify(BUNDLE)});
      const io = { out() {}, err() {}, interactive: false, ask: async () => "", env: {} };
      main(["--help"], io).then(async (help) => {
        const heavy = Object.keys(require.cache).filter((m) => ${HEAVY.toString()}.test(m));
        const plan = await main(["plan", "no-such-environment"], io);
        console.log(JSON.stringify({ help, heavy, plan }));
      })`;
    const result = spawnSync(process.execPath, ["-e", script], { encoding: "utf8" });
    expect(result.status).toBe(0);
    // Exit 2: the environment error crossed from the lazily loaded plan action to main's one handler.
    expect(JSON.parse(result.stdout)).toEqual({ help: 0, heavy: [], plan: 2 });
  });
});

describe("bin/devctl.js picks the bundle only while it is up to date", () => {
  let root: string;
  const write = (file: string, text: string) => {
    fs.mkdirSync(path.dirname(path.join(root, file)), { recursive: true });
    fs.writeFileSync(path.join(root, file), text);
  };
  const entryUsed = () => spawnSync(process.execPath, [path.join(root, "bin", "devctl.js")], { encoding: "utf8" }).stdout.trim();
  const age = (file: string, seconds: number) => {
    const when = new Date(Date.now() + seconds * 1000);
    fs.utimesSync(path.join(root, file), when, when);
  };

  beforeEach(() => {
    root = fs.mkdtempSync(path.join(os.tmpdir(), "devctl-bin-"));
    fs.mkdirSync(path.join(root, "bin"));
    fs.copyFileSync(path.join(CLI, "bin", "devctl.js"), path.join(root, "bin", "devctl.js"));
    const entry = (name: string) => `exports.main = async () => { console.log(${JSON.stringify(name)}); return 0; };\n`;
    write("dist/main.js", entry("main"));
    write("dist/commands/up.js", "");
    write("dist/devctl.js", entry("bundle"));
    write("dist/devctl.inputs.json", JSON.stringify(["main.js", "commands/up.js"]));
    age("dist/main.js", -60);
    age("dist/commands/up.js", -60);
  });
  afterEach(() => fs.rmSync(root, { recursive: true, force: true }));

  it("uses the bundle when no input is newer", () => {
    expect(entryUsed()).toBe("bundle");
  });

  it("falls back to dist/main.js when a bundled file was recompiled after the bundle (tsc without the bundle step)", () => {
    age("dist/commands/up.js", 60);
    expect(entryUsed()).toBe("main");
  });

  it("falls back to dist/main.js when there is no input list or no bundle", () => {
    fs.rmSync(path.join(root, "dist", "devctl.inputs.json"));
    expect(entryUsed()).toBe("main");
    fs.rmSync(path.join(root, "dist", "devctl.js"));
    expect(entryUsed()).toBe("main");
  });
});

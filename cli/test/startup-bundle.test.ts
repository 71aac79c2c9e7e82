import { spawnSync } from "node:child_process";
import * as fs from "node:fs";
import * as os from "node:os";
import * as path from "node:path";
import { afterEach, beforeEach, describe, expect, it } from "vitest";

const CLI = path.resolve(__dirname, "..");
const BUNDLE = path.join(CLI, "dist", "devctl.js");
const HELP = path.join(CLI, "dist", "devctl.help.json");
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

describe("devctl --help from the text the bundle step saved", () => {
  /** What commander prints for `devctl --help` (through dist/main.js) with stdout a terminal this wide, or a pipe. */
  function commanderHelp(columns?: number): string {
    const fakeTerminal = columns === undefined ? "" : `Object.assign(process.stdout, { isTTY: true, columns: ${columns} });`;
    const script = `${fakeTerminal} let text = "";
      const io = { out: (t) => (text += t.endsWith("\\n") ? t : t + "\\n"), err() {}, interactive: false, ask: async () => "", env: {} };
      require(${JSON.stringify(path.join(CLI, "dist", "main.js"))}).main(["--help"], io).then(() => require("node:fs").writeSync(1, text))`;
    return spawnSync(process.execPath, ["-e", script], { encoding: "utf8" }).stdout;
  }

  it.skipIf(!fs.existsSync(HELP))("equals what commander prints, at terminal widths from 40 to past the widest line, and through a pipe", () => {
    const { texts, byWidth } = JSON.parse(fs.readFileSync(HELP, "utf8")) as { texts: string[]; byWidth: number[] };
    for (const columns of [40, 80, 100, 137, byWidth.length - 1, byWidth.length + 200]) {
      expect(texts[byWidth[Math.min(columns, byWidth.length - 1)]!], `${columns} columns`).toBe(commanderHelp(columns));
    }
    const piped = commanderHelp();
    expect(fs.readFileSync(path.join(CLI, "dist", "devctl.help.txt"), "utf8")).toBe(piped);
    expect(spawnSync(process.execPath, [path.join(CLI, "bin", "devctl.js"), "--help"], { encoding: "utf8" }).stdout).toBe(piped);
  });
});

describe("bin/devctl.js picks the bundle only while it is up to date", () => {
  let root: string;
  const write = (file: string, text: string) => {
    fs.mkdirSync(path.dirname(path.join(root, file)), { recursive: true });
    fs.writeFileSync(path.join(root, file), text);
  };
  const run = (args: string[] = [], env: NodeJS.ProcessEnv = process.env) =>
    spawnSync(process.execPath, [path.join(root, "bin", "devctl.js"), ...args], { encoding: "utf8", env });
  const entryUsed = (args?: string[]) => run(args).stdout.trim();
  const age = (file: string, seconds: number) => {
    const when = new Date(Date.now() + seconds * 1000);
    fs.utimesSync(path.join(root, file), when, when);
  };

  beforeEach(() => {
    root = fs.mkdtempSync(path.join(os.tmpdir(), "devctl-bin-"));
    fs.mkdirSync(path.join(root, "bin"));
    fs.copyFileSync(path.join(CLI, "bin", "devctl.js"), path.join(root, "bin", "devctl.js"));
    // Each stub entry prints its name and the node options it runs under, and exits 3 for `plan`.
    const entry = (name: string) =>
      `exports.main = async (args) => { console.log(${JSON.stringify(name)}); console.error(JSON.stringify(process.execArgv)); return args.includes("plan") ? 3 : 0; };\n`;
    write("dist/main.js", entry("main"));
    write("dist/commands/up.js", "");
    write("dist/devctl.js", entry("bundle"));
    write("dist/devctl.inputs.json", JSON.stringify(["main.js", "commands/up.js"]));
    write("dist/devctl.help.txt", "Usage: devctl (saved)\n");
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

  it("prints the saved --help text (loading neither entry) while it is up to date; else commander's through an entry", () => {
    expect(entryUsed(["--help"])).toBe("Usage: devctl (saved)");
    expect(entryUsed(["-h"])).toBe("Usage: devctl (saved)");
    expect(entryUsed(["up", "--help"])).toBe("bundle");
    age("dist/commands/up.js", 60);
    expect(entryUsed(["--help"])).toBe("main");
    age("dist/commands/up.js", -60);
    fs.rmSync(path.join(root, "dist", "devctl.help.txt"));
    expect(entryUsed(["--help"])).toBe("bundle");
  });

  it("runs plan in a node with 4 MiB semi-spaces (same exit code), and nothing else", () => {
    const options = (args: string[], env?: NodeJS.ProcessEnv) => {
      const result = run(args, env);
      return { status: result.status, stdout: result.stdout.trim(), execArgv: JSON.parse(result.stderr) as string[] };
    };
    expect(options(["plan", "prod"])).toEqual({ status: 3, stdout: "bundle", execArgv: ["--max-semi-space-size=4"] });
    expect(options(["--secrets-provider", "passphrase", "plan", "prod", "--json"]).execArgv).toEqual(["--max-semi-space-size=4"]);
    expect(options(["status", "plan"]).execArgv).toEqual([]);
    expect(options(["plan", "--help"]).execArgv).toEqual([]);
    // The user's own choice stands, and is not doubled.
    expect(options(["plan", "prod"], { ...process.env, NODE_OPTIONS: "--max-semi-space-size=8" }).execArgv).toEqual([]);
  });
});

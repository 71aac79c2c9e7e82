import { spawnSync } from "node:child_process";
import * as fs from "node:fs";
import * as path from "node:path";
import { describe, expect, it } from "vitest";
import { recordingIo } from "../test/recording-io";
import { ExitCode } from "./errors";
import { main } from "./main";

const COMMANDS = ["preview", "up", "promote", "rollback", "status", "history", "outputs", "drift", "destroy"];

describe("devctl help", () => {
  it("lists every command", async () => {
    const io = recordingIo();
    expect(await main(["--help"], io)).toBe(ExitCode.Success);
    for (const command of COMMANDS) expect(io.stdout.join("")).toMatch(new RegExp(`^  ${command} `, "m"));
  });

  it.each(COMMANDS)("devctl %s --help shows its usage and the exit codes", async (command) => {
    const io = recordingIo();
    expect(await main([command, "--help"], io)).toBe(ExitCode.Success);
    const help = io.stdout.join("");
    expect(help).toContain(`Usage: devctl ${command}`);
    expect(help).toContain("3  changes or drift found where none were expected");
  });

  it("a missing argument is a usage error (exit 2) pointing at the command's help", async () => {
    const io = recordingIo();
    expect(await main(["up"], io)).toBe(ExitCode.Usage);
    expect(io.stderr.join("")).toContain("missing required argument 'env'");
    expect(io.stderr.join("")).toContain("devctl up --help");
  });

  const dist = path.join(__dirname, "..", "dist", "main.js");
  it.skipIf(!fs.existsSync(dist))("--help (built) loads neither the Automation API nor an AWS SDK client", () => {
    const script = `require(${JSON.stringify(dist)}).main(["--help"], { out() {}, err() {}, interactive: false, ask: async () => "", env: {} })
      .then(() => console.log(JSON.stringify(Object.keys(require.cache).filter((m) => /@pulumi[\\\\/]pulumi|@aws-sdk|yaml|zod/.test(m)))))`;
    const result = spawnSync(process.execPath, ["-e", script], { encoding: "utf8" });
    expect(result.status).toBe(0);
    expect(JSON.parse(result.stdout)).toEqual([]);
  });
});

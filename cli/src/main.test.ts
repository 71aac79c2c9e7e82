import { describe, expect, it } from "vitest";
import { recordingIo } from "../test/recording-io";
import { DevctlError, ExitCode } from "./errors";
import { handleError, main } from "./main";

describe("devctl main", () => {
  it("prints help with the exit codes and exits 0", async () => {
    const io = recordingIo();
    expect(await main(["--help"], io)).toBe(ExitCode.Success);
    const help = io.stdout.join("");
    expect(help).toContain("Usage: devctl");
    expect(help).toContain("3  changes or drift found");
  });

  it("exits 2 on an unknown option", async () => {
    const io = recordingIo();
    expect(await main(["--frobnicate"], io)).toBe(ExitCode.Usage);
    expect(io.stderr.join("")).toContain("unknown option '--frobnicate'");
  });

  it("turns a typed error into its message, fix and exit code", () => {
    const io = recordingIo();
    const code = handleError(new DevctlError("PULUMI_CLI_MISSING", "the Pulumi CLI is not installed", "install it: https://www.pulumi.com/docs/install/"), io);
    expect(code).toBe(ExitCode.Usage);
    expect(io.stderr).toEqual(["error: the Pulumi CLI is not installed", "  fix: install it: https://www.pulumi.com/docs/install/"]);
  });

  it.each([
    ["qa", "UNKNOWN_ENVIRONMENT", 'unknown environment "qa"'],
    ["staging-dr", "INVALID_ENVIRONMENT", "staging keeps no backups in its DR region"],
  ])("--json names the environment error of %s by its documented code (%s), exit 2", async (environment, code, message) => {
    const io = recordingIo();
    expect(await main(["status", environment, "--json"], io)).toBe(ExitCode.Usage);
    const document = JSON.parse(io.stdout.join("")) as { ok: boolean; error: { code: string; message: string; exitCode: number } };
    expect(document).toMatchObject({ ok: false, error: { code, exitCode: ExitCode.Usage } });
    expect(document.error.message).toContain(message);
  });
});

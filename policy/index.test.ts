import { spawn } from "node:child_process";
import { describe, expect, it } from "vitest";

/**
 * The pack's entry file, run as the Pulumi CLI runs a TypeScript policy pack (ts-node): constructing the
 * PolicyPack with every rule succeeds and starts the analyzer's gRPC server, which prints its port. No
 * Pulumi CLI here, so `pulumi preview --policy-pack policy` itself cannot be exercised.
 */
describe("policy/index.ts (the pack entry)", () => {
  it("constructs the pack and serves it", async () => {
    const child = spawn(process.execPath, ["-r", "ts-node/register/transpile-only", "index.ts"], { cwd: __dirname, stdio: ["ignore", "pipe", "pipe"] });
    let stderr = "";
    child.stderr.on("data", (chunk: Buffer) => (stderr += chunk.toString()));
    try {
      const port = await new Promise<string>((resolve, reject) => {
        let stdout = "";
        child.stdout.on("data", (chunk: Buffer) => {
          stdout += chunk.toString();
          const line = /^(\d+)\s*$/m.exec(stdout);
          if (line) resolve(line[1]!);
        });
        child.on("exit", (code) => reject(new Error(`pack exited ${code}: ${stderr}`)));
      });
      expect(Number(port)).toBeGreaterThan(0);
    } finally {
      child.kill();
    }
  }, 30_000);
});

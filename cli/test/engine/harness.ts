/**
 * What the engine suite runs devctl with: the real Pulumi CLI and language host, the local-cloud simulator as
 * the aws/random/docker providers, moto as the AWS API devctl itself calls, a file backend, and a copy of the
 * repository (so the programs see a changed environment file and the stacks' settings files of a developer's
 * own checkout are never touched). devctl runs as its own process, as a user runs it.
 */
import { execFileSync, spawn, type ChildProcess } from "node:child_process";
import * as fs from "node:fs";
import * as path from "node:path";
import * as readline from "node:readline";
import { findOnPath } from "../../src/engine/automation-options";

export const REPO = path.resolve(__dirname, "..", "..", "..");
export const SIMULATOR_BIN = path.join(REPO, "infra", "src", "testing", "local-cloud", "bin");
/** Pinned: the suite's AWS API emulator (PyPI). */
export const MOTO_VERSION = "5.1.18";

export interface PulumiCli {
  /** Folder holding `pulumi` and `pulumi-language-nodejs`, put first on PATH. */
  readonly binDir: string;
  readonly version: string;
}

/** PULUMI_CLI_DIR (a folder with bin/pulumi, as tools/pulumi/build.sh prints), else `pulumi` on PATH. */
export function findPulumiCli(env: NodeJS.ProcessEnv): { cli?: PulumiCli; reason?: string } {
  const fromDir = env.PULUMI_CLI_DIR ? path.join(env.PULUMI_CLI_DIR, "bin", "pulumi") : undefined;
  const pulumi = fromDir && fs.existsSync(fromDir) ? fromDir : findOnPath("pulumi", env.PATH);
  if (!pulumi) {
    return {
      reason: `no Pulumi CLI: set PULUMI_CLI_DIR to a folder with bin/pulumi (tools/pulumi/build.sh prints one) or put pulumi on PATH${env.PULUMI_CLI_DIR ? ` (PULUMI_CLI_DIR=${env.PULUMI_CLI_DIR} has no bin/pulumi)` : ""}`,
    };
  }
  const binDir = path.dirname(pulumi);
  if (!fs.existsSync(path.join(binDir, "pulumi-language-nodejs")) && !findOnPath("pulumi-language-nodejs", env.PATH)) {
    return { reason: `the Pulumi CLI at ${pulumi} has no Node.js language host (pulumi-language-nodejs) beside it or on PATH` };
  }
  const version = execFileSync(pulumi, ["version"], { encoding: "utf8" }).trim();
  return { cli: { binDir, version } };
}

/**
 * A copy of the working tree (tracked and untracked, not ignored files) with the built dist folders; the
 * packages' node_modules are copied as the links pnpm made (relative, so they resolve inside the copy) and
 * the root node_modules is linked.
 */
export function copyRepository(dest: string): void {
  const files = execFileSync("git", ["ls-files", "-co", "--exclude-standard", "-z"], { cwd: REPO, encoding: "utf8" }).split("\0").filter(Boolean);
  for (const file of files) {
    const from = path.join(REPO, file);
    if (!fs.existsSync(from)) continue; // deleted in the working tree
    fs.mkdirSync(path.dirname(path.join(dest, file)), { recursive: true });
    fs.copyFileSync(from, path.join(dest, file));
  }
  for (const pkg of ["infra", "policy", "cli"]) fs.cpSync(path.join(REPO, pkg, "dist"), path.join(dest, pkg, "dist"), { recursive: true });
  fs.symlinkSync(path.join(REPO, "node_modules"), path.join(dest, "node_modules"));
  for (const pkg of ["infra", "policy", "cli", "service", "stacks/network", "stacks/data", "stacks/compute"]) {
    fs.cpSync(path.join(REPO, pkg, "node_modules"), path.join(dest, pkg, "node_modules"), { recursive: true, verbatimSymlinks: true });
  }
}

/** A Python virtual environment with moto[server], cached by version outside the repository's tracked files. */
export function ensureMoto(): { python?: string; reason?: string } {
  const venv = path.join(REPO, "node_modules", ".cache", `moto-${MOTO_VERSION}`);
  const python = path.join(venv, "bin", "python");
  if (fs.existsSync(path.join(venv, ".installed"))) return { python };
  const interpreter = findOnPath("python3.11", process.env.PATH) ?? findOnPath("python3", process.env.PATH);
  if (!interpreter) return { reason: "no python3 to run moto (the AWS API emulator devctl's own AWS calls go to)" };
  try {
    execFileSync(interpreter, ["-m", "venv", venv], { stdio: "pipe" });
    execFileSync(python, ["-m", "pip", "install", "--quiet", "--disable-pip-version-check", `moto[server]==${MOTO_VERSION}`], {
      stdio: "pipe",
      timeout: 600_000,
    });
  } catch (error) {
    return { reason: `could not install moto[server]==${MOTO_VERSION} with pip: ${String((error as { stderr?: unknown }).stderr ?? error).slice(0, 400)}` };
  }
  fs.writeFileSync(path.join(venv, ".installed"), MOTO_VERSION);
  return { python };
}

export interface Moto {
  readonly endpoint: string;
  readonly controlDir: string;
  stop(): void;
}

export async function startMoto(python: string, controlDir: string): Promise<Moto> {
  fs.mkdirSync(controlDir, { recursive: true });
  const child: ChildProcess = spawn(python, [path.join(__dirname, "moto_server.py")], {
    env: { ...process.env, MOTO_CONTROL_DIR: controlDir },
    stdio: ["ignore", "pipe", "pipe"],
  });
  let stderr = "";
  child.stderr?.on("data", (chunk: Buffer) => (stderr = (stderr + chunk.toString()).slice(-2000)));
  const port = await new Promise<number>((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error(`moto did not start within 60 s: ${stderr}`)), 60_000);
    child.once("exit", (code) => reject(new Error(`moto exited (${String(code)}): ${stderr}`)));
    readline.createInterface({ input: child.stdout! }).on("line", (line) => {
      const match = /^listening (\d+)$/.exec(line);
      if (match) {
        clearTimeout(timer);
        resolve(Number(match[1]));
      }
    });
  });
  return { endpoint: `http://127.0.0.1:${port}`, controlDir, stop: () => child.kill() };
}

export interface RunResult {
  readonly code: number;
  readonly stdout: string;
  readonly stderr: string;
}

/** Runs `node cli/bin/devctl.js <args>` in the copy; resolves with its exit code and output, never rejects on a non-zero exit. */
export function runDevctl(repo: string, args: readonly string[], env: NodeJS.ProcessEnv, timeoutMs = 600_000): Promise<RunResult> {
  return runProcess(process.execPath, [path.join(repo, "cli", "bin", "devctl.js"), ...args], { cwd: repo, env, timeoutMs });
}

export function runProcess(command: string, args: readonly string[], options: { cwd: string; env: NodeJS.ProcessEnv; timeoutMs: number }): Promise<RunResult> {
  return new Promise((resolve, reject) => {
    const child = spawn(command, args, { cwd: options.cwd, env: options.env, stdio: ["ignore", "pipe", "pipe"] });
    let stdout = "";
    let stderr = "";
    child.stdout.on("data", (chunk: Buffer) => (stdout += chunk.toString()));
    child.stderr.on("data", (chunk: Buffer) => (stderr += chunk.toString()));
    const timer = setTimeout(() => {
      child.kill();
      reject(
        new Error(
          `${path.basename(args[0] ?? command)} ${args.slice(1).join(" ")} did not finish within ${options.timeoutMs / 1000} s\n${stderr.slice(-3000)}`,
        ),
      );
    }, options.timeoutMs);
    child.on("error", reject);
    child.on("close", (code) => {
      clearTimeout(timer);
      resolve({ code: code ?? -1, stdout, stderr });
    });
  });
}

import { Command, CommanderError } from "commander";
import type { EnvironmentErrorCode } from "@platform/infra/environment";
import { DevctlError, ExitCode, type DevctlErrorCode } from "./errors";
import { processIo, type Io } from "./io";
import { registerPlan } from "./commands/plan";
import { registerSmoke } from "./commands/smoke";
import { registerDestroy } from "./commands/destroy";
import { registerDr } from "./commands/dr";
import { registerDrift } from "./commands/drift";
import { registerHistory, registerOutputs, registerStatus } from "./commands/inspect";
import { registerPreview } from "./commands/preview";
import { registerMigrate } from "./commands/migrate";
import { registerPromote } from "./commands/promote";
import { registerRollback } from "./commands/rollback";
import { registerUp } from "./commands/up";
import type { CommandContext, GlobalOptions } from "./actions/context";
import type { RegisterCommand } from "./commands/command";
import type { ServicesFactory } from "./services/services";

/** Command files, in the order `devctl --help` lists them. A new command is one file in commands/ and one line here. */
const COMMANDS: readonly RegisterCommand[] = [
  registerPlan,
  registerPreview,
  registerUp,
  registerPromote,
  registerRollback,
  registerMigrate,
  registerStatus,
  registerHistory,
  registerOutputs,
  registerDrift,
  registerDestroy,
  registerSmoke,
  registerDr,
];

const EXIT_CODES_HELP = `
Exit codes:
  0  success
  1  failure (an update, check or policy failed)
  2  usage or configuration error (bad flags, unknown environment, invalid environment file, missing tool)
  3  changes or drift found where none were expected`;

/** Builds the devctl command tree. */
export function buildProgram(baseContext: CommandContext): Command {
  const globals: GlobalOptions = { ...baseContext.globals };
  const context: CommandContext = { ...baseContext, globals };
  const program = new Command("devctl")
    .description("Preview, deploy, promote and roll back whole environments (network -> data -> compute).")
    .addHelpText("after", EXIT_CODES_HELP)
    .showHelpAfterError("(run devctl --help for usage)")
    .configureOutput({
      writeOut: (text) => context.io.out(text),
      writeErr: (text) => context.io.err(text),
    })
    .option(
      "--secrets-provider <provider>",
      "Pulumi secrets provider for new stacks: passphrase (default; needs PULUMI_CONFIG_PASSPHRASE) or e.g. awskms://alias/<key>",
    )
    .hook("preAction", () => {
      globals.secretsProvider = program.opts<{ secretsProvider?: string }>().secretsProvider;
    })
    .exitOverride();
  for (const register of COMMANDS) register(program, context);
  for (const command of program.commands) {
    command.exitOverride().configureOutput(program.configureOutput()).showHelpAfterError(`(run devctl ${command.name()} --help for usage)`);
    if (command.name() !== "smoke") command.addHelpText("after", EXIT_CODES_HELP);
  }
  return program;
}

/** Runs devctl and resolves to the process exit code; never throws. */
export async function main(argv: readonly string[], io: Io = processIo(), services?: ServicesFactory): Promise<number> {
  let wroteResult = false;
  const tracked: Io = {
    ...io,
    out: (text) => {
      wroteResult = true;
      io.out(text);
    },
  };
  try {
    await buildProgram({ io: tracked, services }).parseAsync([...argv], { from: "user" });
    return ExitCode.Success;
  } catch (error) {
    const code = handleError(error, tracked);
    // --json promises one JSON document on stdout: a command that failed before printing its result prints the error.
    if (code !== ExitCode.Success && !wroteResult && argv.includes("--json"))
      io.out(`${JSON.stringify({ ok: false, error: errorJson(error, code) }, null, 2)}\n`);
    return code;
  }
}

/** The error as --json prints it when a command fails before it has a result. */
export function errorJson(error: unknown, exitCode: number): { code: DevctlErrorCode; message: string; suggestion?: string; exitCode: number } {
  if (error instanceof DevctlError) return { code: error.code, message: error.message, suggestion: error.suggestion, exitCode };
  if (error instanceof CommanderError) return { code: "USAGE", message: error.message.replace(/^error: /, ""), exitCode };
  if (error instanceof Error && error.name === "EnvironmentError") {
    const { suggestion, code } = error as Error & { suggestion?: string; code: EnvironmentErrorCode };
    return { code, message: error.message, suggestion, exitCode };
  }
  return { code: "OPERATION_FAILED", message: error instanceof Error ? error.message : String(error), exitCode };
}

/** The one error handler: a typed error becomes a message, a suggestion and its exit code. */
export function handleError(error: unknown, io: Io): number {
  if (error instanceof CommanderError) {
    // Help and version are "errors" to commander; the text is already written.
    if (error.code === "commander.helpDisplayed" || error.code === "commander.version" || error.exitCode === 0) {
      return ExitCode.Success;
    }
    return ExitCode.Usage;
  }
  if (error instanceof DevctlError) {
    io.err(`error: ${error.message}`);
    if (error.suggestion) io.err(`  fix: ${error.suggestion}`);
    return error.exitCode;
  }
  if (error instanceof Error && error.name === "EnvironmentError") {
    const { suggestion } = error as Error & { suggestion?: string };
    io.err(`error: ${error.message.replace(/\n[^\n]*$/, "")}`);
    if (suggestion) io.err(`  fix: ${suggestion}`);
    return ExitCode.Usage;
  }
  io.err(`error: ${error instanceof Error ? error.message : String(error)}`);
  if (io.env.DEVCTL_DEBUG && error instanceof Error && error.stack) io.err(error.stack);
  return ExitCode.Failure;
}

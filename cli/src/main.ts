import { Command, CommanderError } from "commander";
import { DevctlError, ExitCode } from "./errors";
import { processIo, type Io } from "./io";
import { registerSmoke } from "./commands/smoke";

/**
 * What every command file receives. A command file only parses and validates its flags into a typed
 * context, then hands over to an action module loaded on demand (so `devctl --help` loads nothing heavy).
 */
export interface CommandContext {
  readonly io: Io;
}

/** A command file's one export: adds its command to the program. */
export type RegisterCommand = (program: Command, context: CommandContext) => void;

/** Command files, in the order `devctl --help` lists them. Each issue adds its own line. */
const COMMANDS: readonly RegisterCommand[] = [
  registerSmoke,
];

const EXIT_CODES_HELP = `
Exit codes:
  0  success
  1  failure (an update, check or policy failed)
  2  usage or configuration error (bad flags, unknown environment, invalid environment file, missing tool)
  3  changes or drift found where none were expected`;

/** Builds the devctl command tree. */
export function buildProgram(context: CommandContext): Command {
  const program = new Command("devctl")
    .description("Preview, deploy, promote and roll back whole environments (network -> data -> compute).")
    .addHelpText("after", EXIT_CODES_HELP)
    .showHelpAfterError("(run devctl --help for usage)")
    .configureOutput({
      writeOut: (text) => context.io.out(text),
      writeErr: (text) => context.io.err(text),
    })
    .exitOverride();
  for (const register of COMMANDS) register(program, context);
  for (const command of program.commands) command.exitOverride().configureOutput(program.configureOutput());
  return program;
}

/** Runs devctl and resolves to the process exit code; never throws. */
export async function main(argv: readonly string[], io: Io = processIo()): Promise<number> {
  try {
    await buildProgram({ io }).parseAsync([...argv], { from: "user" });
    return ExitCode.Success;
  } catch (error) {
    return handleError(error, io);
  }
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

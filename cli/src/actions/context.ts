import type { Environment } from "@platform/infra/environment";
import type { Io } from "../io";
import type { Services, ServicesFactory } from "../services/services";

/**
 * What every action receives from its command, beside its own options. A command file only parses and
 * validates its flags into those options, then hands over to its action, loaded on demand (so
 * `devctl --help` loads nothing heavy).
 */
export interface CommandContext {
  readonly io: Io;
  /**
   * Builds the engine, AWS watchers and clock for an environment. Tests inject in-memory ones; when absent
   * the real adapters (Automation API, AWS SDK) are loaded on first use.
   */
  readonly services?: ServicesFactory;
  /** Program-wide options (before or after the command name), filled in as the command line is parsed. */
  readonly globals?: GlobalOptions;
}

export interface GlobalOptions {
  /** --secrets-provider: Pulumi secrets provider for new stacks (default passphrase). */
  secretsProvider?: string;
}

/**
 * The one shape of an action: the options its command parsed, then the command context. It writes its
 * result through `context.io` and fails by throwing (a DevctlError carries the exit code).
 */
export type Action<Options> = (options: Options, context: CommandContext) => Promise<void>;

/** An environment loaded and its services built: what an action works with once prepare() ran. */
export interface ActionContext {
  readonly io: Io;
  readonly environment: Environment;
  readonly services: Services;
}

/**
 * Loads the environment (an unknown name becomes exit 2 with the known ones listed) and builds the services:
 * the injected factory in tests, the real adapters (loaded only now) otherwise.
 */
export async function prepare(environmentName: string, context: CommandContext): Promise<ActionContext> {
  const { loadEnvironment } = await import("@platform/infra/environment");
  const environment = loadEnvironment(environmentName);
  const factory = context.services ?? (await import("../services/default-services.js")).createServices;
  const services = await factory(environment, context.io, { secretsProvider: context.globals?.secretsProvider });
  return { io: context.io, environment, services };
}

/** Elapsed time as devctl prints it in progress lines: 1m05s, 12s. */
export function elapsed(ms: number): string {
  const seconds = Math.max(0, Math.round(ms / 1000));
  return seconds >= 60 ? `${Math.floor(seconds / 60)}m${String(seconds % 60).padStart(2, "0")}s` : `${seconds}s`;
}

/** A progress sink for one operation: each line goes to stderr, prefixed with the stack and elapsed time. */
export function progressFor(io: Io, label: string): (line: string) => void {
  const started = Date.now();
  return (line) => io.err(`[${label} ${elapsed(Date.now() - started)}] ${line}`);
}

/** Writes the result: one JSON document with --json, else the human text. */
export function printResult(io: Io, json: boolean, data: unknown, text: () => string): void {
  if (json) io.out(`${JSON.stringify(data, null, 2)}\n`);
  else io.out(text());
}

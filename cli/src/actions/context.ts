import type { Environment } from "@platform/infra/environment";
import type { Io } from "../io";
import type { CommandContext } from "../main";
import type { Services } from "../services/services";

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

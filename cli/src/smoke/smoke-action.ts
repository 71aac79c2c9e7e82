/** `devctl smoke`: resolves the URL, runs the checks, prints the report and fails on any failed check. */
import { DevctlError } from "../errors";
import type { CommandContext } from "../main";
import { AUTH_TOKEN_VARIABLE, runSmoke } from "./checks";
import { formatSmokeReport, smokeJson } from "./report";
import { serviceUrlFromOutputs } from "./service-url";

export interface SmokeContext {
  readonly environment: string;
  /** Validated base URL from --url; undefined reads the compute stack outputs. */
  readonly url?: string;
  readonly json: boolean;
  readonly requireAuth: boolean;
  readonly timeoutMs: number;
  readonly retryForMs: number;
}

export async function smoke(context: SmokeContext, command: CommandContext): Promise<void> {
  const { io } = command;
  const baseUrl = context.url ?? (await urlFromOutputs(context.environment, command));
  const token = io.env[AUTH_TOKEN_VARIABLE]?.trim() || undefined;
  io.err(`smoke ${context.environment}: checking ${baseUrl} (timeout ${context.timeoutMs} ms per request, retrying for up to ${Math.round(context.retryForMs / 1000)} s)`);
  const report = await runSmoke({
    baseUrl,
    token,
    requireAuth: context.requireAuth,
    timeoutMs: context.timeoutMs,
    retry: { windowMs: context.retryForMs, initialDelayMs: Math.min(1000, Math.max(100, context.retryForMs / 10)), maxDelayMs: 10_000 },
    onRetry: (check, reason, delayMs, attempt) => io.err(`  ${check}: attempt ${attempt} failed (${reason}); retrying in ${(delayMs / 1000).toFixed(1)} s`),
  });
  io.out(context.json ? JSON.stringify(smokeJson(context.environment, report), null, 2) : formatSmokeReport(context.environment, report));
  if (!report.ok) {
    const failed = report.checks.filter((c) => c.outcome === "failed").map((c) => c.name);
    throw new DevctlError(
      "SMOKE_FAILED",
      `smoke checks failed against ${baseUrl}: ${failed.join(", ")}`,
      "each failed check's reason is in the report; a fresh deploy may need a longer --retry-for",
    );
  }
}

/** Loads the environment (unknown names list the known ones) and its engine, only on this path. */
async function urlFromOutputs(environmentName: string, command: CommandContext): Promise<string> {
  const { prepare } = await import("../actions/context.js");
  const { environment, services } = await prepare(environmentName, command);
  return serviceUrlFromOutputs(services.engine, environment.name);
}

/** `devctl smoke`: resolves the URL, runs the checks, prints the report and fails on any failed check. */
import { isEnvironmentName } from "@platform/infra/environment";
import { DevctlError } from "../errors";
import { AUTH_TOKEN_VARIABLE, runSmokeChecks } from "../smoke/checks";
import { formatSmokeReport, smokeJson } from "../smoke/report";
import { serviceUrlFromOutputs } from "../smoke/service-url";
import { prepare, type Action, type CommandContext } from "./context";

export interface SmokeOptions {
  readonly environment: string;
  /** Validated base URL from --url; undefined reads the compute stack outputs. */
  readonly url?: string;
  readonly json: boolean;
  readonly requireAuth: boolean;
  readonly timeoutMs: number;
  readonly retryForMs: number;
}

export const runSmoke: Action<SmokeOptions> = async (options, context) => {
  const { io } = context;
  // With --url the name only labels the report, so no environment file is needed; it must still be a name.
  if (!isEnvironmentName(options.environment)) {
    throw new DevctlError("USAGE", `"${options.environment}" is not an environment name`, "use lower-case letters, digits and dashes, e.g. staging or prod");
  }
  const baseUrl = options.url ?? (await urlFromOutputs(options.environment, context));
  const token = io.env[AUTH_TOKEN_VARIABLE]?.trim() || undefined;
  io.err(
    `smoke ${options.environment}: checking ${baseUrl} (timeout ${options.timeoutMs} ms per request, retrying for up to ${Math.round(options.retryForMs / 1000)} s)`,
  );
  const report = await runSmokeChecks({
    baseUrl,
    token,
    requireAuth: options.requireAuth,
    timeoutMs: options.timeoutMs,
    retry: { windowMs: options.retryForMs, initialDelayMs: Math.min(1000, Math.max(100, options.retryForMs / 10)), maxDelayMs: 10_000 },
    onRetry: (check, reason, delayMs, attempt) => io.err(`  ${check}: attempt ${attempt} failed (${reason}); retrying in ${(delayMs / 1000).toFixed(1)} s`),
  });
  io.out(options.json ? JSON.stringify(smokeJson(options.environment, report), null, 2) : formatSmokeReport(options.environment, report));
  if (!report.ok) {
    const failed = report.checks.filter((c) => c.outcome === "failed").map((c) => c.name);
    throw new DevctlError(
      "SMOKE_FAILED",
      `smoke checks failed against ${baseUrl}: ${failed.join(", ")}`,
      "each failed check's reason is in the report; a fresh deploy may need a longer --retry-for",
    );
  }
};

/** Loads the environment (unknown names list the known ones) and its engine, only on this path. */
async function urlFromOutputs(environmentName: string, context: CommandContext): Promise<string> {
  const { environment, services } = await prepare(environmentName, context);
  return serviceUrlFromOutputs(services.engine, environment.name);
}

/** `devctl smoke <env>`: parses and validates flags; the action is ../actions/smoke.ts, the checks live in ../smoke/. */
import type { RegisterCommand } from "./command";
import { wholeNumber } from "./options";

export const registerSmoke: RegisterCommand = (program, context) => {
  program
    .command("smoke")
    .description("Check a running service: GET /healthz, /readyz, the OpenAPI document and one authenticated read.")
    .argument("<env>", "environment to check; its URL is the compute stack output serviceUrl unless --url is given")
    .option("--url <url>", "check this base URL instead of the environment's (e.g. http://127.0.0.1:8080)")
    .option("--json", "print the report as one JSON document on stdout")
    .option("--require-auth", "fail, rather than skip, the authenticated read when DEVCTL_SMOKE_TOKEN is not set")
    .option("--timeout <ms>", "limit for each request, in milliseconds", wholeNumber("--timeout", { min: 1, max: 300_000 }), 5_000)
    .option(
      "--retry-for <seconds>",
      "keep retrying checks that can heal (no answer, timeout, 5xx) this long, for a fresh deploy",
      wholeNumber("--retry-for", { max: 3_600 }),
      60,
    )
    .addHelpText(
      "after",
      `
The authenticated read sends "Authorization: Bearer $DEVCTL_SMOKE_TOKEN" to GET /v1/releases?limit=1.
Exit codes: 0 every check passed (or was skipped), 1 a check failed (SMOKE_FAILED), 2 bad flags or no URL.`,
    )
    .action(async (environment: string, options: { url?: string; json?: boolean; requireAuth?: boolean; timeout: number; retryFor: number }) => {
      const { validateUrl } = await import("../smoke/service-url.js");
      const url = options.url === undefined ? undefined : validateUrl(options.url, "--url");
      const { runSmoke } = await import("../actions/smoke.js");
      await runSmoke(
        {
          environment,
          url,
          json: options.json ?? false,
          requireAuth: options.requireAuth ?? false,
          timeoutMs: options.timeout,
          retryForMs: options.retryFor * 1000,
        },
        context,
      );
    });
};

import type { RegisterCommand } from "./command";

interface Flags {
  to?: string;
  yes?: boolean;
  json?: boolean;
}

export const registerRollback: RegisterCommand = (program, context) => {
  program
    .command("rollback")
    .description("Redeploy the previous good release (image digest and compute settings) from the compute stack's history")
    .argument("<env>", "environment name")
    .option("--to <release>", "the release to go back to: a history version number or an image digest (sha256:..., 7+ hex digits)")
    .option("-y, --yes", "do not ask for confirmation (required for production without a terminal)")
    .option("--json", "print one JSON document on stdout (progress stays on stderr)")
    .action(async (environment: string, flags: Flags) => {
      const { runRollback } = await import("../actions/rollback.js");
      await runRollback({ environment, to: flags.to, yes: flags.yes === true, json: flags.json === true }, context);
    });
};

import type { RegisterCommand } from "./command";

interface Flags {
  to?: string;
  yes?: boolean;
  json?: boolean;
  duringCutover?: boolean;
}

export const registerRollback: RegisterCommand = (program, context) => {
  program
    .command("rollback")
    .description("Redeploy the previous good release (image digest and compute settings) from the compute stack's history")
    .argument("<env>", "environment name")
    .option("--to <release>", "the release to go back to: a history version number or an image digest (sha256:..., 7+ hex digits)")
    .option("-y, --yes", "do not ask for confirmation (required for production without a terminal)")
    .option("--json", "print one JSON document on stdout (progress stays on stderr)")
    .option(
      "--during-cutover",
      "a recovery environment (<env>-dr) only: deploy it while `devctl dr cutover` has moved <env>'s host name to it, keeping the name on its distribution",
    )
    .action(async (environment: string, flags: Flags) => {
      const { runRollback } = await import("../actions/rollback.js");
      await runRollback(
        { environment, to: flags.to, yes: flags.yes === true, json: flags.json === true, duringCutover: flags.duringCutover === true },
        context,
      );
    });
};

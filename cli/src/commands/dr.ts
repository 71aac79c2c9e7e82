import type { RegisterCommand } from "./command";
import { isoTime } from "./options";

interface RestoreFlags {
  time?: string;
  latest?: boolean;
  region?: string;
  yes?: boolean;
  json?: boolean;
}

export const registerDr: RegisterCommand = (program, context) => {
  const dr = program.command("dr").description("Disaster recovery: restore an environment in its DR region (<env>-dr), drill it, move traffic to it");
  dr.command("restore")
    .description(
      "Create <env>-dr in the DR region: network, the database restored to a point in time, empty Redis, the image <env> ran then; smoke-test it and report RPO/RTO",
    )
    .argument("<env>", "environment whose replicated backups are restored")
    .option("--time <iso>", "restore to this UTC time (inside the restorable window)", isoTime)
    .option("--latest", "restore to the latest restorable time")
    .option("--region <region>", "the DR region (default and only allowed value: the environment's drRegion)")
    .option("-y, --yes", "do not ask for confirmation (required for production without a terminal)")
    .option("--json", "print one JSON document on stdout (progress stays on stderr)")
    .action(async (environment: string, flags: RestoreFlags) => {
      const { runDrRestore } = await import("../actions/dr-restore.js");
      await runDrRestore(
        { environment, time: flags.time, latest: flags.latest === true, region: flags.region, yes: flags.yes === true, json: flags.json === true },
        context,
      );
    });
  dr.command("drill")
    .description("Restore drill: dr restore --latest into <env>-dr (never takes traffic), smoke, report, destroy; records the drill in the ledger")
    .argument("<env>", "environment whose recovery is drilled")
    .option("-y, --yes", "do not ask for confirmation (required for production without a terminal)")
    .option("--json", "print one JSON document on stdout (progress stays on stderr)")
    .action(async (environment: string, flags: { yes?: boolean; json?: boolean }) => {
      const { runDrDrill } = await import("../actions/dr-drill.js");
      await runDrDrill({ environment, yes: flags.yes === true, json: flags.json === true }, context);
    });
  dr.command("cutover")
    .description("Move <env>'s host name to <env>-dr (CloudFront alias, then Route 53), checking health before and after; --back reverses it exactly")
    .argument("<env>", "environment whose production host name moves")
    .option("--back", "move the host name back from <env>-dr to <env>, restoring the records the cutover replaced")
    .option("-y, --yes", "do not ask for confirmation (required for production without a terminal)")
    .option("--json", "print one JSON document on stdout (progress stays on stderr)")
    .action(async (environment: string, flags: { back?: boolean; yes?: boolean; json?: boolean }) => {
      const { runDrCutover } = await import("../actions/dr-cutover.js");
      await runDrCutover({ environment, back: flags.back === true, yes: flags.yes === true, json: flags.json === true }, context);
    });
  for (const command of dr.commands) command.exitOverride().configureOutput(program.configureOutput());
};

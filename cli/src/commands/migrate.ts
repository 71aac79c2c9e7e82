import { DevctlError } from "../errors";
import type { RegisterCommand } from "./command";

interface Flags {
  to?: string;
  back?: boolean;
  yes?: boolean;
  json?: boolean;
}

/** Kept here rather than imported from the action, so `devctl --help` loads no action module. */
const PLATFORMS = ["ecs", "eks"] as const;

export const registerMigrate: RegisterCommand = (program, context) => {
  program
    .command("migrate")
    .description(
      "Move an environment between ECS and EKS without downtime: the new platform beside the old in the same target groups, then the old drained (docs/runbooks.md)",
    )
    .argument("<env>", "environment name (its file sets computeMigrateTo)")
    .requiredOption("--to <platform>", "the platform to move to: ecs or eks")
    .option("--back", "undo the last phase: bring the old platform back beside the new one")
    .option("-y, --yes", "do not ask for confirmation (required for production without a terminal)")
    .option("--json", "print one JSON document on stdout (progress stays on stderr)")
    .action(async (environment: string, flags: Flags) => {
      const to = PLATFORMS.find((p) => p === flags.to);
      if (!to) throw new DevctlError("USAGE", `--to must be ecs or eks, got ${JSON.stringify(flags.to)}`, `run devctl migrate ${environment} --to eks`);
      const { runMigrate } = await import("../actions/migrate.js");
      await runMigrate({ environment, to, back: flags.back === true, yes: flags.yes === true, json: flags.json === true }, context);
    });
};

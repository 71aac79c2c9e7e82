import { DevctlError } from "../errors";
import type { RegisterCommand } from "./command";

interface Flags {
  to?: string;
  back?: boolean;
  steps?: string;
  yes?: boolean;
  json?: boolean;
}

/** Kept here rather than imported from the action, so `devctl --help` loads no action module. */
const PLATFORMS = ["ecs", "eks"] as const;

export const registerMigrate: RegisterCommand = (program, context) => {
  program
    .command("migrate")
    .description(
      "Move an environment from ECS to EKS without downtime: each in its own target group behind one listener rule, EKS's weight raised step by step while the alarms hold, then ECS drained (docs/runbooks.md)",
    )
    .argument("<env>", "environment name (its file sets computeMigrateTo)")
    .requiredOption("--to <platform>", "the platform to move to: ecs or eks")
    .option("--back", "move the requests back to the old platform, step by step (at 0% its delivery owns the listener rule again)")
    .option("--steps <percents>", "the new platform's percent of the requests at each step, rising to 100 (default 10,50,100)")
    .option("-y, --yes", "do not ask for confirmation (required for production without a terminal)")
    .option("--json", "print one JSON document on stdout (progress stays on stderr)")
    .action(async (environment: string, flags: Flags) => {
      const to = PLATFORMS.find((p) => p === flags.to);
      if (!to) throw new DevctlError("USAGE", `--to must be ecs or eks, got ${JSON.stringify(flags.to)}`, `run devctl migrate ${environment} --to eks`);
      const { parseMigrationSteps, runMigrate } = await import("../actions/migrate.js");
      const steps = flags.steps === undefined ? undefined : parseMigrationSteps(flags.steps);
      await runMigrate(
        { environment, to, back: flags.back === true, yes: flags.yes === true, json: flags.json === true, ...(steps ? { steps } : {}) },
        context,
      );
    });
};

import type { RegisterCommand } from "./command";
import { wholeNumber } from "./options";

interface Flags {
  from: string;
  yes?: boolean;
  json?: boolean;
  preview?: boolean;
  soakMinutes: number;
  duringCutover?: boolean;
}

export const registerPromote: RegisterCommand = (program, context) => {
  program
    .command("promote")
    .description("Deploy the exact image digest the source environment runs to the target's compute layer")
    .argument("<to>", "target environment, e.g. prod")
    .option("--from <env>", "source environment", "staging")
    .option("--soak-minutes <n>", "require the source's alarms to have stayed OK this many minutes (0: skip)", wholeNumber("--soak-minutes"), 0)
    .option("--preview", "show what the promotion would change; apply nothing")
    .option(
      "--during-cutover",
      "a recovery environment (<env>-dr) only: deploy it while `devctl dr cutover` has moved <env>'s host name to it, keeping the name on its distribution",
    )
    .option("-y, --yes", "do not ask for confirmation (required for production without a terminal)")
    .option("--json", "print one JSON document on stdout (progress stays on stderr)")
    .action(async (to: string, flags: Flags) => {
      const { runPromote } = await import("../actions/promote.js");
      await runPromote(
        {
          to,
          from: flags.from,
          yes: flags.yes === true,
          json: flags.json === true,
          preview: flags.preview === true,
          soakMinutes: flags.soakMinutes,
          duringCutover: flags.duringCutover === true,
        },
        context,
      );
    });
};

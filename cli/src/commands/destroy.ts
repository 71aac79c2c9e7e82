import type { RegisterCommand } from "./command";

interface Flags {
  yes?: boolean;
  forceProd?: boolean;
  json?: boolean;
}

export const registerDestroy: RegisterCommand = (program, context) => {
  program
    .command("destroy")
    .description("Destroy every layer of an environment in reverse order (compute -> data -> network)")
    .argument("<env>", "environment name")
    .option("-y, --yes", "do not ask for confirmation (not for production)")
    .option("--force-prod", "allow destroying a production environment; the typed confirmation is still required")
    .option("--json", "print one JSON document on stdout")
    .action(async (environment: string, flags: Flags) => {
      const { runDestroy } = await import("../actions/destroy.js");
      await runDestroy({ environment, yes: flags.yes === true, forceProd: flags.forceProd === true, json: flags.json === true }, context);
    });
};

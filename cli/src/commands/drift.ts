import type { Layer } from "@platform/infra/layers";
import type { RegisterCommand } from "./command";
import { layerOption } from "./options";

interface Flags {
  layer: Layer[];
  json?: boolean;
}

export const registerDrift: RegisterCommand = (program, context) => {
  program
    .command("drift")
    .description("Refresh-preview every deployed layer and list resources that changed outside Pulumi (exit 3 on drift)")
    .argument("<env>", "environment name")
    .addOption(layerOption())
    .option("--json", "print one JSON document on stdout")
    .action(async (environment: string, flags: Flags) => {
      const { runDrift } = await import("../actions/drift.js");
      await runDrift({ environment, layers: flags.layer, json: flags.json === true }, context);
    });
};

import type { Layer } from "@platform/infra/layers";
import type { RegisterCommand } from "./command";
import { layerOption, wholeNumber } from "./options";

interface Flags {
  layer: Layer[];
  json?: boolean;
  limit?: number;
}

export const registerStatus: RegisterCommand = (program, context) => {
  program
    .command("status")
    .description("What runs where: per layer the last update and its result; the image digest and URL")
    .argument("<env>", "environment name")
    .option("--json", "print one JSON document on stdout")
    .action(async (environment: string, flags: Flags) => {
      const { runStatus } = await import("../actions/inspect.js");
      await runStatus({ environment, layers: [], json: flags.json === true }, context);
    });
};

export const registerHistory: RegisterCommand = (program, context) => {
  program
    .command("history")
    .description("Updates of every layer, newest first, with the image digest each pinned")
    .argument("<env>", "environment name")
    .addOption(layerOption())
    .option("--limit <n>", "updates per layer", wholeNumber("--limit", { min: 1 }), 10)
    .option("--json", "print one JSON document on stdout")
    .action(async (environment: string, flags: Flags) => {
      const { runHistory } = await import("../actions/inspect.js");
      await runHistory({ environment, layers: flags.layer, json: flags.json === true, limit: flags.limit }, context);
    });
};

export const registerOutputs: RegisterCommand = (program, context) => {
  program
    .command("outputs")
    .description("The stack outputs of each layer (secrets shown as [secret])")
    .argument("<env>", "environment name")
    .addOption(layerOption())
    .option("--json", "print one JSON document on stdout")
    .action(async (environment: string, flags: Flags) => {
      const { runOutputs } = await import("../actions/inspect.js");
      await runOutputs({ environment, layers: flags.layer, json: flags.json === true }, context);
    });
};

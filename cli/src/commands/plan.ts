import { Option } from "commander";
import { LAYERS, type Layer } from "@platform/infra/layers";
import type { RegisterCommand } from "./command";
import { collectLayer } from "./options";

/** `devctl plan <env> [--layer L]... [--json]`: the offline plan, checked by the policy pack. */
export const registerPlan: RegisterCommand = (program, context) => {
  program
    .command("plan")
    .description("Offline plan of an environment: run each layer's program under mocks (no cloud, no credentials) and check it with the policy pack.")
    .argument("<env>", "environment name (a Pulumi.<env>.yaml at the repository root)")
    .addOption(
      new Option(
        "--layer <layer>",
        `show only this layer (${LAYERS.join(", ")}); repeatable. Its upstream layers are still evaluated, to feed its stack references`,
      ).argParser(collectLayer),
    )
    .option("--json", "print one JSON document on stdout (progress goes to stderr)", false)
    .addHelpText("after", "\nExit codes: 0 no mandatory policy violation, 1 a mandatory violation or a program failed, 2 bad flags or environment file.")
    .action(async (environment: string, flags: { layer?: Layer[]; json: boolean }) => {
      const { runPlan } = await import("../actions/plan.js");
      await runPlan({ environment, layers: flags.layer ?? [], json: flags.json }, context);
    });
};

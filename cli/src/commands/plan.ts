import { Option, type Command } from "commander";
import { LAYERS, type Layer } from "@platform/infra/layers";
import { DevctlError } from "../errors";
import type { RegisterCommand } from "./command";

function parseLayers(values: readonly string[]): Layer[] {
  const layers: Layer[] = [];
  for (const value of values.flatMap((v) => v.split(","))) {
    const layer = LAYERS.find((l) => l === value.trim());
    if (!layer) {
      throw new DevctlError("USAGE", `unknown layer "${value}"`, `Use --layer with one of: ${LAYERS.join(", ")} (repeat it for several).`);
    }
    if (!layers.includes(layer)) layers.push(layer);
  }
  return layers;
}

/** `devctl plan <env> [--layer L]... [--json]`: the offline plan, checked by the policy pack. */
export const registerPlan: RegisterCommand = (program: Command, context) => {
  program
    .command("plan")
    .description("Offline plan of an environment: run each layer's program under mocks (no cloud, no credentials) and check it with the policy pack.")
    .argument("<env>", "environment name (a Pulumi.<env>.yaml at the repository root)")
    .addOption(new Option("--layer <layer>", `show only this layer (${LAYERS.join(", ")}); repeatable. Its upstream layers are still evaluated, to feed its stack references`).argParser((value: string, previous: string[] = []) => [...previous, value]))
    .option("--json", "print one JSON document on stdout (progress goes to stderr)", false)
    .addHelpText("after", "\nExit codes: 0 no mandatory policy violation, 1 a mandatory violation or a program failed, 2 bad flags or environment file.")
    .action(async (environment: string, flags: { layer?: string[]; json: boolean }) => {
      const layers = parseLayers(flags.layer ?? []);
      const { runPlan } = await import("../actions/plan.js");
      await runPlan({ environment, layers, json: flags.json }, context);
    });
};

import { Option } from "commander";
import type { Layer } from "@platform/infra/layers";
import type { RegisterCommand } from "../main";
import { imageRef, layerOption } from "./options";

interface Flags {
  layer: Layer[];
  yes?: boolean;
  json?: boolean;
  image?: string;
  keepImage?: boolean;
}

export const registerUp: RegisterCommand = (program, context) => {
  program
    .command("up")
    .description("Deploy an environment: network -> data -> compute, stopping at the first failure; waits for the ECS rollout")
    .argument("<env>", "environment name, e.g. staging")
    .addOption(layerOption())
    .option("-y, --yes", "do not ask for confirmation (required for production without a terminal)")
    .option("--json", "print one JSON document on stdout (progress stays on stderr)")
    .addOption(new Option("--image <ref>", "deploy this image (<repo>@sha256:<digest>) instead of building from source").argParser(imageRef).conflicts("keepImage"))
    .option("--keep-image", "keep the image that runs now (compute output imageRef) instead of building from source")
    .addHelpText("after", "\nBy default the compute layer builds the image from source: `up` clears the pinned image (platform-compute:image).")
    .action(async (environment: string, flags: Flags) => {
      const { runUp } = await import("../actions/up.js");
      await runUp({ environment, layers: flags.layer, yes: flags.yes === true, json: flags.json === true, image: flags.image, keepImage: flags.keepImage === true }, context);
    });
};

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
  build?: boolean;
}

export const registerUp: RegisterCommand = (program, context) => {
  program
    .command("up")
    .description("Deploy an environment: network -> data -> compute, stopping at the first failure; waits for the ECS rollout")
    .argument("<env>", "environment name, e.g. staging")
    .addOption(layerOption())
    .option("-y, --yes", "do not ask for confirmation (required for production without a terminal)")
    .option("--json", "print one JSON document on stdout (progress stays on stderr)")
    .addOption(new Option("--image <ref>", "deploy this image (<repo>@sha256:<digest>) instead of building from source").argParser(imageRef).conflicts(["keepImage", "build"]))
    .addOption(new Option("--keep-image", "keep the image that runs now (compute output imageRef) instead of building from source").conflicts("build"))
    .option("--build", "build the image from this checkout (the default outside production)")
    .addHelpText(
      "after",
      "\nWhich image: outside production the compute layer builds it from this checkout (`up` clears the pinned image,\n" +
        "platform-compute:image). In production `up` keeps the image that runs there; new images reach production\n" +
        "through `devctl promote` (or --image); --build overrides that.",
    )
    .action(async (environment: string, flags: Flags) => {
      const { runUp } = await import("../actions/up.js");
      await runUp({ environment, layers: flags.layer, yes: flags.yes === true, json: flags.json === true, image: flags.image, keepImage: flags.keepImage === true, build: flags.build === true }, context);
    });
};

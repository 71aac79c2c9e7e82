import { Option } from "commander";
import type { Layer } from "@platform/infra/layers";
import { DevctlError } from "../errors";
import type { RegisterCommand } from "./command";
import { imageRef, layerOption, wholeNumber } from "./options";

interface Flags {
  layer: Layer[];
  yes?: boolean;
  json?: boolean;
  image?: string;
  keepImage?: boolean;
  build?: boolean;
  bootstrap?: boolean;
  from?: string;
  soakMinutes?: number;
  duringCutover?: boolean;
}

export const registerUp: RegisterCommand = (program, context) => {
  program
    .command("up")
    .description("Deploy an environment: network -> data -> compute, stopping at the first failure; waits for the ECS rollout")
    .argument("<env>", "environment name, e.g. staging")
    .addOption(layerOption())
    .option("-y, --yes", "do not ask for confirmation (required for production without a terminal)")
    .option("--json", "print one JSON document on stdout (progress stays on stderr)")
    .addOption(
      new Option("--image <ref>", "deploy this image (<repo>@sha256:<digest>) instead of building from source")
        .argParser(imageRef)
        .conflicts(["keepImage", "build"]),
    )
    .addOption(new Option("--keep-image", "keep the image that runs now (compute output imageRef) instead of building from source").conflicts("build"))
    .option("--build", "build the image from this checkout (the default outside production)")
    .option(
      "--during-cutover",
      "a recovery environment (<env>-dr) only: deploy it while `devctl dr cutover` has moved <env>'s host name to it, keeping the name on its distribution",
    )
    .addOption(
      new Option("--bootstrap", "first deploy of an environment that runs no image: network and data, then promote the source's digest").conflicts([
        "layer",
        "image",
        "keepImage",
        "build",
        "json",
      ]),
    )
    .option("--from <env>", "with --bootstrap: the environment whose image to promote (default: staging)")
    .addOption(new Option("--soak-minutes <n>", "with --bootstrap: the promotion's soak gate on the source's alarms").argParser(wholeNumber("--soak-minutes")))
    .addHelpText(
      "after",
      "\nWhich image: outside production the compute layer builds it from this checkout (`up` clears the pinned image,\n" +
        "platform-compute:image). In production `up` keeps the image that runs there; new images reach production\n" +
        "through `devctl promote` (or --image); --build overrides that.\n" +
        "A brand-new production environment: `devctl up prod --bootstrap --soak-minutes 30` deploys network and data,\n" +
        "then promotes the digest staging runs (as `devctl promote prod --from staging`).",
    )
    .action(async (environment: string, flags: Flags) => {
      if (flags.bootstrap !== true && (flags.soakMinutes !== undefined || flags.from !== undefined)) {
        throw new DevctlError("USAGE", "--from and --soak-minutes go with --bootstrap (the promotion it ends with)", "add --bootstrap, or use devctl promote");
      }
      const { runUp } = await import("../actions/up.js");
      await runUp(
        {
          environment,
          layers: flags.layer,
          yes: flags.yes === true,
          json: flags.json === true,
          image: flags.image,
          keepImage: flags.keepImage === true,
          build: flags.build === true,
          duringCutover: flags.duringCutover === true,
          ...(flags.bootstrap === true ? { bootstrap: { from: flags.from ?? "staging", soakMinutes: flags.soakMinutes ?? 0 } } : {}),
        },
        context,
      );
    });
};

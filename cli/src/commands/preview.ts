import type { Layer } from "@platform/infra/layers";
import type { RegisterCommand } from "./command";
import { layerOption } from "./options";

interface Flags {
  layer: Layer[];
  json?: boolean;
  commentFile?: string;
  expectNoChanges?: boolean;
  withoutSecrets?: boolean;
}

export const registerPreview: RegisterCommand = (program, context) => {
  program
    .command("preview")
    .description("Preview every layer of one or more environments: changes per layer and risk flags")
    .argument("<env...>", "environment name(s), e.g. staging prod")
    .addOption(layerOption())
    .option("--json", "print one JSON document on stdout (progress stays on stderr)")
    .option("--comment-file <path>", "also write a Markdown pull-request comment there (the full diff goes to <path>.full.md)")
    .option("--expect-no-changes", "exit 3 when anything would change")
    .option(
      "--without-secrets",
      "when this run lacks an environment's secrets (no PULUMI_CONFIG_PASSPHRASE), report it as not previewed instead of failing (pull requests and prod)",
    )
    .action(async (environments: string[], flags: Flags) => {
      const { runPreview } = await import("../actions/preview.js");
      await runPreview(
        {
          environments,
          layers: flags.layer,
          json: flags.json === true,
          commentFile: flags.commentFile,
          expectNoChanges: flags.expectNoChanges === true,
          withoutSecrets: flags.withoutSecrets === true,
        },
        context,
      );
    });
};

import * as fs from "node:fs/promises";
import * as path from "node:path";
import type { Layer } from "@platform/infra/layers";
import { DevctlError } from "../errors";
import { IMAGE_CONFIG_KEY, type LayerPreview } from "../engine/engine";
import { renderPrComment } from "../report/pr-comment";
import {
  collectPreviewReport,
  previewJson,
  printPreviewReport,
  type EnvironmentPreview,
  type LayerPreviewResult,
  type PreviewReport,
} from "../report/preview-report";
import { riskFlags } from "../report/risk-flags";
import { prepare, printResult, progressFor, type Action, type ActionContext, type CommandContext } from "./context";
import { missingUpstreams, selectLayers } from "./layer-order";
import { migrationConfigOverrides } from "./migration-state";
import { imageUpWouldPin } from "./release";

export interface PreviewOptions {
  readonly environments: readonly string[];
  readonly layers: readonly Layer[];
  readonly json: boolean;
  readonly commentFile?: string;
  readonly expectNoChanges: boolean;
  /** Report an environment whose secrets this run lacks as not previewed, instead of failing on it. */
  readonly withoutSecrets?: boolean;
}

/**
 * Previews every selected layer of each environment. A layer's program reads its upstreams' *deployed*
 * outputs, never another preview's, so the layers of an environment preview concurrently.
 */
export const runPreview: Action<PreviewOptions> = async (options, context) => {
  const environments: EnvironmentPreview[] = [];
  const errors: unknown[] = [];
  for (const name of options.environments) {
    if (options.withoutSecrets && lacksSecrets(context.io.env, context.globals?.secretsProvider)) {
      environments.push(await withoutSecrets(name, selectLayers(options.layers), context));
      continue;
    }
    const action = await prepare(name, context);
    environments.push(await previewEnvironment(action, selectLayers(options.layers), "preview", errors));
  }
  const notPreviewed = environments.filter((e) => e.notPreviewed !== undefined).map((e) => e.environment);
  if (options.expectNoChanges && notPreviewed.length > 0) {
    throw new DevctlError(
      "USAGE",
      `${notPreviewed.join(", ")} was not previewed (no secrets in this run), so --expect-no-changes cannot hold`,
      "run it where the environment's secrets are set, or drop --expect-no-changes",
    );
  }
  const report = collectPreviewReport("preview", environments);
  await finishPreview(report, options, context, errors);
};

/**
 * True when the environment's stacks cannot be decrypted in this run: the passphrase provider (the same
 * choice automationSettings makes) without a passphrase. Another provider (awskms://…) decrypts with the
 * cloud role's rights, which only an actual preview can test.
 */
export function lacksSecrets(env: Readonly<Record<string, string | undefined>>, secretsProvider: string | undefined): boolean {
  const provider = secretsProvider || env.DEVCTL_SECRETS_PROVIDER || "passphrase";
  return provider === "passphrase" && env.PULUMI_CONFIG_PASSPHRASE === undefined && !env.PULUMI_CONFIG_PASSPHRASE_FILE;
}

/** An environment reported, not previewed: pull requests never receive prod's secrets (docs/ci-cd.md). */
async function withoutSecrets(name: string, layers: readonly Layer[], context: CommandContext): Promise<EnvironmentPreview> {
  const { loadEnvironment } = await import("@platform/infra/environment");
  const environment = loadEnvironment(name);
  const reason = `this run has none of ${name}'s secrets, so its stacks were not read. \`devctl plan ${name}\` checks its programs offline (secret values unknown); the real preview needs the environment's secrets (in CI: its own GitHub environment).`;
  context.io.err(`${name}: previewed without ${name}'s secrets (PULUMI_CONFIG_PASSPHRASE is not set); reporting it as not previewed`);
  return {
    environment: name,
    production: environment.isProduction,
    notPreviewed: reason,
    layers: layers.map((layer) => ({ layer, status: "skipped", risks: [], steps: [], reason: "not previewed: no secrets in this run" })),
  };
}

export async function previewEnvironment(
  action: ActionContext,
  layers: readonly Layer[],
  mode: "preview" | "drift",
  errors: unknown[],
): Promise<EnvironmentPreview> {
  const { io, environment, services } = action;
  const results = await Promise.all(
    layers.map(async (layer): Promise<LayerPreviewResult> => {
      const ref = { environment: environment.name, layer };
      try {
        if (mode === "drift" && !(await services.engine.isDeployed(ref))) {
          return { layer, status: "skipped", risks: [], steps: [], reason: "never deployed: nothing can drift" };
        }
        const missing = await missingUpstreams(services.engine, environment.name, layer);
        if (mode === "preview" && missing.length > 0) {
          return {
            layer,
            status: "skipped",
            risks: [],
            steps: [],
            reason: `needs ${missing.join(", ")} deployed first (devctl up ${environment.name} --layer ${missing[0] ?? "network"})`,
          };
        }
        const onProgress = progressFor(io, `${environment.name}/${layer}`);
        // The compute program builds from source unless an image is pinned; the pin up would deploy, and where a
        // migration's requests stand, come from the stack's state, never from this checkout's (git-ignored) stack
        // config file.
        const configOverrides =
          layer === "compute"
            ? { [IMAGE_CONFIG_KEY]: (await imageUpWouldPin(services.engine, environment)) ?? null, ...(await migrationConfigOverrides(services.engine, ref)) }
            : undefined;
        const preview: LayerPreview =
          mode === "drift" ? await services.engine.previewRefresh(ref, { onProgress }) : await services.engine.preview(ref, { onProgress, configOverrides });
        return {
          layer,
          status: "ok",
          counts: preview.counts,
          steps: preview.steps,
          risks: mode === "preview" ? riskFlags(preview.steps) : [],
          violations: preview.violations,
        };
      } catch (error) {
        errors.push(error);
        return { layer, status: "failed", risks: [], steps: [], reason: (error instanceof Error ? error.message : String(error)).split("\n")[0] };
      }
    }),
  );
  return { environment: environment.name, production: environment.isProduction, layers: results };
}

export async function finishPreview(
  report: PreviewReport,
  options: { json: boolean; commentFile?: string; expectNoChanges: boolean },
  context: CommandContext,
  errors: readonly unknown[],
): Promise<void> {
  if (options.commentFile) {
    const file = path.resolve(options.commentFile);
    const fullFile = `${file}.full.md`;
    const { comment, full, truncated } = renderPrComment(report, { fullFileName: path.basename(fullFile) });
    await fs.mkdir(path.dirname(file), { recursive: true });
    await fs.writeFile(file, comment);
    await fs.writeFile(fullFile, full);
    context.io.err(
      `wrote the pull-request comment to ${file}${truncated ? " (cut to fit; see the .full.md beside it)" : ""} and the full preview to ${fullFile}`,
    );
  }
  printResult(context.io, options.json, previewJson(report), () => printPreviewReport(report));
  const first = errors[0];
  if (first !== undefined) {
    if (first instanceof DevctlError || (first instanceof Error && first.name === "EnvironmentError")) throw first;
    throw new DevctlError(
      "OPERATION_FAILED",
      `${errors.length} layer ${report.command === "drift" ? "drift check" : "preview"}${errors.length === 1 ? "" : "s"} failed: ${first instanceof Error ? first.message : JSON.stringify(first)}`,
      "read the engine output above; fix the program or its configuration and run it again",
    );
  }
  if (report.command === "drift" && report.changes) {
    throw new DevctlError(
      "CHANGES_FOUND",
      "drift found: the cloud differs from the stacks' state",
      "run devctl up to put the declared state back, or change the code to match and run devctl preview",
    );
  }
  if (options.expectNoChanges && report.changes) {
    throw new DevctlError(
      "CHANGES_FOUND",
      "changes found where none were expected (--expect-no-changes)",
      "look at the preview above; deploy or revert the change",
    );
  }
}

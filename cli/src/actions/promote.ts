import type { AlarmRef } from "@platform/infra/layers";
import { DevctlError } from "../errors";
import { IMAGE_CONFIG_KEY } from "../engine/engine";
import { riskFlags } from "../report/risk-flags";
import { printPreviewReport, collectPreviewReport, previewJson } from "../report/preview-report";
import { confirmProduction } from "./confirm";
import { guardCutover } from "./cutover-guard";
import { prepare, printResult, progressFor, type Action } from "./context";
import { REPOSITORY_ROOT } from "@platform/infra/environment";
import { archiveRunningIn, LAMBDA_ARCHIVE_KEY } from "./lambda-release";
import { migrationConfigOverrides } from "./migration-state";
import { digestOf, releaseCompute, runningImage } from "./release";

export interface PromoteOptions {
  readonly to: string;
  readonly from: string;
  readonly yes: boolean;
  readonly json: boolean;
  /** Show what the promotion would change, apply nothing. */
  readonly preview: boolean;
  /** Require the source's alarms to have stayed OK this long (0: no soak gate). */
  readonly soakMinutes: number;
  /** `--during-cutover`: deploy <env>-dr's compute layer while it serves <env>'s host name (cutover-guard.ts). */
  readonly duringCutover?: boolean;
}

/** The compute output `alarms`, keeping only well-formed entries (an older stack exports none). */
export function alarmRefsOf(value: unknown): AlarmRef[] {
  if (!Array.isArray(value)) return [];
  return (value as unknown[]).filter((entry): entry is AlarmRef => {
    const a = entry as Partial<Record<keyof AlarmRef, unknown>> | null;
    return typeof a?.name === "string" && typeof a.region === "string" && (a.kind === "threshold" || a.kind === "anomaly");
  });
}

/**
 * Deploys the exact image the source environment runs (its compute output imageRef, pinned by digest) to
 * the target's compute layer, after the optional soak gate, and waits for the rollout.
 */
export const runPromote: Action<PromoteOptions> = async (options, context) => {
  if (options.from === options.to) {
    throw new DevctlError("USAGE", `cannot promote ${options.to} to itself`, "name a different source with --from");
  }
  const source = await prepare(options.from, context);
  const target = await prepare(options.to, context);
  const { io } = target;
  const sourceOutputs = await source.services.engine.outputs({ environment: source.environment.name, layer: "compute" });
  // Lambda: the code the source runs, rebuilt here from the same commit (reproducible) and checked by digest.
  const lambda = target.environment.compute.platform === "lambda" ? await archiveRunningIn(source.environment.name, sourceOutputs, REPOSITORY_ROOT) : undefined;
  const image = lambda ? `code ${lambda.digest}` : sourceOutputs.imageRef;
  const digest = lambda ? lambda.digest : digestOf(image);
  if (typeof image !== "string" || !digest) {
    throw new DevctlError(
      "OPERATION_FAILED",
      `${source.environment.name} runs no image pinned by digest (compute output imageRef is ${JSON.stringify(image ?? null)})`,
      `deploy ${source.environment.name} first: devctl up ${source.environment.name}`,
    );
  }
  const ref = { environment: target.environment.name, layer: "compute" as const };
  if (!(await target.services.engine.isDeployed({ environment: target.environment.name, layer: "data" }))) {
    throw new DevctlError(
      "UPSTREAM_NOT_DEPLOYED",
      `${target.environment.name} has no data layer yet; a promotion only changes the compute layer`,
      `run devctl up ${target.environment.name} first`,
    );
  }
  const current = await runningImage(target.services.engine, target.environment.name);
  io.err(`promoting ${image} from ${source.environment.name} to ${target.environment.name}${current ? ` (now ${current})` : ""}`);

  if (options.preview) {
    const overrides: Record<string, string | null> = lambda
      ? { [LAMBDA_ARCHIVE_KEY]: lambda.archive }
      : { [IMAGE_CONFIG_KEY]: image, ...(await migrationConfigOverrides(target.services.engine, ref)) };
    const preview = await target.services.engine.preview(ref, { configOverrides: overrides, onProgress: progressFor(io, `${ref.environment}/compute`) });
    const report = collectPreviewReport("preview", [
      {
        environment: target.environment.name,
        production: target.environment.isProduction,
        layers: [{ layer: "compute", status: "ok", counts: preview.counts, steps: preview.steps, risks: riskFlags(preview.steps) }],
      },
    ]);
    printResult(
      io,
      options.json,
      { ...(previewJson(report) as object), promotion: { from: source.environment.name, to: target.environment.name, image, digest, applied: false } },
      () => `Promotion of ${image} from ${source.environment.name} to ${target.environment.name} (preview, nothing applied)\n${printPreviewReport(report)}`,
    );
    return;
  }

  await guardCutover(target, {
    duringCutover: options.duringCutover === true,
    command: `devctl promote ${target.environment.name} --from ${source.environment.name}`,
  });
  await confirmProduction(target.environment, io, { yes: options.yes, action: `promote ${digest} to` });
  if (options.soakMinutes > 0) {
    const alarms = alarmRefsOf(sourceOutputs.alarms);
    if (alarms.length === 0) {
      throw new DevctlError(
        "OPERATION_FAILED",
        `${source.environment.name} exports no alarms with their regions (compute output alarms), so the soak gate cannot check it`,
        `redeploy its compute layer (devctl up ${source.environment.name}), or promote with --soak-minutes 0`,
      );
    }
    const regions = [...new Set(alarms.map((a) => a.region))].join(", ");
    io.err(`soak gate: checking that ${alarms.length} alarm(s) of ${source.environment.name} (${regions}) stayed OK for ${options.soakMinutes} minute(s)`);
    const soak = await source.services.soak.check({ alarms, minutes: options.soakMinutes });
    if (!soak.ok) {
      throw new DevctlError(
        "OPERATION_FAILED",
        `soak gate failed: ${source.environment.name} was not healthy for ${options.soakMinutes} minute(s):\n${soak.problems.map((p) => `  - ${p}`).join("\n")}`,
        `fix ${source.environment.name} (or wait until its alarms have been OK long enough) and promote again`,
      );
    }
  }
  const outcome = await releaseCompute(target, {
    action: "promote",
    image: lambda ? undefined : image,
    ...(lambda ? { archive: lambda.archive } : {}),
    message: `devctl promote ${target.environment.name} --from ${source.environment.name} ${image}`,
  });
  const result = {
    command: "promote",
    from: source.environment.name,
    to: target.environment.name,
    image,
    digest,
    applied: true,
    deployment: outcome.deployment,
    backup: outcome.backup,
  };
  printResult(
    io,
    options.json,
    result,
    () => `promoted ${image} from ${source.environment.name} to ${target.environment.name} (${lambda ? "alias" : "ECS deployment"} ${outcome.deployment})\n`,
  );
};

import type { Layer } from "@platform/infra/layers";
import type { ChangeCounts } from "../engine/engine";
import { DevctlError } from "../errors";
import { withBackup } from "./backup";
import { confirmProduction } from "./confirm";
import { guardCutover } from "./cutover-guard";
import { elapsed, prepare, printResult, progressFor, type Action, type ActionContext, type CommandContext } from "./context";
import { missingUpstreams, selectLayers, upstreamNotDeployed } from "./layer-order";
import { digestOf, releaseCompute, runningImage } from "./release";

export interface UpOptions {
  readonly environment: string;
  readonly layers: readonly Layer[];
  readonly yes: boolean;
  readonly json: boolean;
  /** Pin this image (`<repo>@sha256:…`) instead of building from source. */
  readonly image?: string;
  /** Keep the image that runs now (the compute output imageRef) instead of building from source. */
  readonly keepImage: boolean;
  /** Build from this checkout even in production (where the default is to keep the running image). */
  readonly build?: boolean;
  /**
   * First deploy of an environment that runs no image (a brand-new production): network and data, then the
   * promotion of the image `from` runs. Neither `up` (no running image to keep) nor `promote` (no data layer
   * yet) can do that alone.
   */
  readonly bootstrap?: { readonly from: string; readonly soakMinutes: number };
  /** `--during-cutover`: deploy <env>-dr's compute layer while it serves <env>'s host name (cutover-guard.ts). */
  readonly duringCutover?: boolean;
}

export interface AppliedLayer {
  readonly layer: Layer;
  readonly counts: ChangeCounts;
  readonly durationMs: number;
  readonly backup: string;
  readonly imageRef?: string;
  readonly deployment?: "completed" | "not-watched";
}

export interface UpReport {
  readonly command: "up";
  readonly environment: string;
  readonly ok: boolean;
  readonly applied: AppliedLayer[];
  readonly failed?: { readonly layer: Layer; readonly error: string };
  readonly notApplied: Layer[];
}

/** network -> data -> compute, one at a time; stops at the first failure and reports what was applied. */
export const runUp: Action<UpOptions> = async (options, context) => {
  const action = await prepare(options.environment, context);
  const { io, environment, services } = action;
  if (options.bootstrap) await checkBootstrap(action, options.bootstrap.from, context);
  if (!options.bootstrap && selectLayers(options.layers).includes("compute")) {
    await guardCutover(action, { duringCutover: options.duringCutover === true, command: `devctl up ${environment.name}` });
  }
  await confirmProduction(environment, io, {
    yes: options.yes,
    action: options.bootstrap ? `bootstrap (network, data, then promote ${options.bootstrap.from}'s image) in` : "deploy to",
  });
  const layers = options.bootstrap ? selectLayers(["network", "data"]) : selectLayers(options.layers);
  // Production runs only images that already ran somewhere (promote, rollback, --image): a plain `up prod`
  // changes infrastructure and keeps the running image. Decided before any layer is touched.
  const pinRunning = options.keepImage || (environment.isProduction && options.image === undefined && options.build !== true);
  let running: string | undefined;
  if (pinRunning && layers.includes("compute")) {
    running = await runningImage(services.engine, environment.name);
    if (running === undefined && !options.keepImage) {
      throw new DevctlError(
        "USAGE",
        `${environment.name} is a production environment and runs no image yet: devctl up keeps the running image there and will not build one from this checkout`,
        `deploy the other layers (devctl up ${environment.name} --layer network --layer data), then devctl promote ${environment.name} --from staging; or pass --image <repo>@sha256:<digest>, or --build to build from this checkout anyway`,
      );
    }
  }
  const report: UpReport = { command: "up", environment: environment.name, ok: true, applied: [], notApplied: [] };

  for (const [index, layer] of layers.entries()) {
    const ref = { environment: environment.name, layer };
    try {
      const missing = await missingUpstreams(services.engine, environment.name, layer, layers.slice(0, index));
      if (missing.length > 0) throw upstreamNotDeployed(environment.name, layer, missing);
      io.err(`== ${environment.name}/${layer}: updating`);
      if (layer === "compute") {
        // Keeping the image pins what runs now (read from state, so it also works in a fresh checkout);
        // null clears the pin, so the program builds from source.
        const image = options.image ?? (pinRunning ? running : null);
        const flag = options.image ? ` --image ${options.image}` : options.keepImage ? " --keep-image" : options.build ? " --build" : "";
        const outcome = await releaseCompute(action, {
          action: "up",
          image,
          message: `devctl up ${environment.name}${flag}`,
        });
        report.applied.push({
          layer,
          counts: outcome.update.counts,
          durationMs: outcome.update.durationMs,
          backup: outcome.backup,
          imageRef: outcome.imageRef,
          deployment: outcome.deployment,
        });
      } else {
        const { result: update, backup } = await withBackup(services, io, ref, () =>
          services.engine.up(ref, { message: `devctl up ${environment.name}`, onProgress: progressFor(io, `${environment.name}/${layer}`) }),
        );
        report.applied.push({ layer, counts: update.counts, durationMs: update.durationMs, backup });
      }
    } catch (error) {
      const failed = { layer, error: error instanceof Error ? error.message : String(error) };
      const stopped: UpReport = { ...report, ok: false, failed, notApplied: layers.slice(index + 1) };
      printResult(io, options.json, stopped, () => renderUp(stopped));
      throw error;
    }
  }
  printResult(io, options.json, report, () => renderUp(report));
  if (options.bootstrap) {
    const { runPromote } = await import("./promote.js");
    io.err(`== ${environment.name}/compute: promoting the image ${options.bootstrap.from} runs`);
    // Confirmed once above, for the whole bootstrap.
    await runPromote(
      { to: environment.name, from: options.bootstrap.from, yes: true, json: false, preview: false, soakMinutes: options.bootstrap.soakMinutes },
      context,
    );
  }
};

/** A bootstrap only makes sense before the environment runs anything, and needs an image to promote. */
async function checkBootstrap(action: ActionContext, from: string, context: CommandContext): Promise<void> {
  const { environment, services } = action;
  const running = (await services.engine.outputs({ environment: environment.name, layer: "compute" })).imageRef;
  if (digestOf(running)) {
    throw new DevctlError(
      "USAGE",
      `${environment.name} already runs ${String(running)}: --bootstrap is only for an environment's first deploy`,
      `devctl up ${environment.name} for infrastructure, devctl promote ${environment.name} --from ${from} for a new image`,
    );
  }
  const source = await prepare(from, context);
  const image = (await source.services.engine.outputs({ environment: from, layer: "compute" })).imageRef;
  if (!digestOf(image)) {
    throw new DevctlError(
      "USAGE",
      `${from} runs no image pinned by digest, so there is nothing to promote to ${environment.name}`,
      `deploy ${from} first: devctl up ${from}`,
    );
  }
}

export function renderUp(report: UpReport): string {
  const lines = [`devctl up ${report.environment}: ${report.ok ? "done" : "STOPPED"}`];
  for (const applied of report.applied) {
    const c = applied.counts;
    lines.push(
      `  applied      ${applied.layer.padEnd(8)} +${c.create} ~${c.update} +-${c.replace} -${c.delete} in ${elapsed(applied.durationMs)}` +
        (applied.imageRef ? `  image ${applied.imageRef}` : "") +
        (applied.deployment === "completed" ? "  (ECS deployment completed)" : ""),
    );
  }
  if (report.failed) lines.push(`  FAILED       ${report.failed.layer.padEnd(8)} ${report.failed.error.split("\n")[0] ?? ""}`);
  for (const layer of report.notApplied) lines.push(`  not applied  ${layer}`);
  return `${lines.join("\n")}\n`;
}

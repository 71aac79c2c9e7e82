import type { Layer } from "@platform/infra/layers";
import { IMAGE_CONFIG_KEY, type UpdateRecord } from "../engine/engine";
import { prepare, printResult, type Action, type CommandContext } from "./context";
import { selectLayers } from "./layer-order";

export interface InspectOptions {
  readonly environment: string;
  readonly layers: readonly Layer[];
  readonly json: boolean;
  /** history: updates per layer. */
  readonly limit?: number;
}

export interface LayerStatus {
  readonly layer: Layer;
  readonly deployed: boolean;
  readonly lastUpdate?: { readonly version: number; readonly kind: string; readonly result: string; readonly finishedAt?: string; readonly message: string };
  readonly imageRef?: string;
  readonly imageDigest?: string;
  readonly serviceUrl?: string;
}

/** What runs where: per layer the last update and its result; for compute the image digest and URL. */
export async function collectStatus(options: InspectOptions, context: CommandContext): Promise<{ environment: string; layers: LayerStatus[] }> {
  const { environment, services } = await prepare(options.environment, context);
  const layers = await Promise.all(
    selectLayers(options.layers).map(async (layer): Promise<LayerStatus> => {
      const ref = { environment: environment.name, layer };
      const [last] = await services.engine.history(ref, 1);
      const deployed = await services.engine.isDeployed(ref);
      const outputs = deployed ? await services.engine.outputs(ref) : {};
      const text = (key: string): string | undefined => (typeof outputs[key] === "string" ? outputs[key] : undefined);
      return {
        layer,
        deployed,
        lastUpdate: last && { version: last.version, kind: last.kind, result: last.result, finishedAt: last.endTime?.toISOString(), message: last.message },
        imageRef: text("imageRef"),
        imageDigest: text("imageDigest"),
        serviceUrl: text("serviceUrl"),
      };
    }),
  );
  return { environment: environment.name, layers };
}

export const runStatus: Action<InspectOptions> = async (options, context) => {
  const status = await collectStatus(options, context);
  printResult(context.io, options.json, { command: "status", ...status }, () => {
    const lines = [`Status of ${status.environment}`];
    for (const l of status.layers) {
      const last = l.lastUpdate ? `${l.lastUpdate.kind} #${l.lastUpdate.version} ${l.lastUpdate.result} ${l.lastUpdate.finishedAt ?? ""}`.trim() : "no updates";
      lines.push(`  ${l.layer.padEnd(8)} ${l.deployed ? "deployed" : "NOT DEPLOYED"}  ${last}`);
      if (l.imageRef) lines.push(`           image ${l.imageRef}`);
      if (l.serviceUrl) lines.push(`           url   ${l.serviceUrl}`);
    }
    return `${lines.join("\n")}\n`;
  });
};

export interface HistoryEntry {
  readonly layer: Layer;
  readonly version: number;
  readonly kind: string;
  readonly result: string;
  readonly startedAt: string;
  readonly finishedAt?: string;
  readonly message: string;
  /** The image the update pinned (promote, rollback, up --image); absent for builds from source. */
  readonly image?: string;
  readonly resourceChanges?: UpdateRecord["resourceChanges"];
}

export const runHistory: Action<InspectOptions> = async (options, context) => {
  const { io, environment, services } = await prepare(options.environment, context);
  const perLayer = await Promise.all(
    selectLayers(options.layers).map(async (layer) =>
      (await services.engine.history({ environment: environment.name, layer }, options.limit)).map((u): HistoryEntry => ({
        layer,
        version: u.version,
        kind: u.kind,
        result: u.result,
        startedAt: u.startTime.toISOString(),
        finishedAt: u.endTime?.toISOString(),
        message: u.message,
        image: u.config[IMAGE_CONFIG_KEY],
        resourceChanges: u.resourceChanges,
      })),
    ),
  );
  const entries = perLayer.flat().sort((a, b) => b.startedAt.localeCompare(a.startedAt));
  printResult(io, options.json, { command: "history", environment: environment.name, entries }, () => {
    const lines = [`History of ${environment.name} (newest first)`];
    if (entries.length === 0) lines.push("  no updates");
    for (const e of entries) {
      lines.push(`  ${e.startedAt}  ${e.layer.padEnd(8)} #${String(e.version).padEnd(4)} ${e.kind.padEnd(7)} ${e.result.padEnd(9)} ${e.image ?? ""}`.trimEnd());
      if (e.message) lines.push(`      ${e.message}`);
    }
    return `${lines.join("\n")}\n`;
  });
};

export const runOutputs: Action<InspectOptions> = async (options, context) => {
  const { io, environment, services } = await prepare(options.environment, context);
  const layers = selectLayers(options.layers);
  const outputs = Object.fromEntries(
    await Promise.all(layers.map(async (layer) => [layer, await services.engine.outputs({ environment: environment.name, layer })] as const)),
  );
  printResult(io, options.json, { command: "outputs", environment: environment.name, outputs }, () => {
    const lines: string[] = [];
    for (const layer of layers) {
      lines.push(`${environment.name}/${layer}`);
      const entries = Object.entries(outputs[layer] ?? {});
      if (entries.length === 0) lines.push("  (no outputs: never deployed)");
      for (const [key, value] of entries) lines.push(`  ${key.padEnd(24)} ${typeof value === "string" ? value : JSON.stringify(value)}`);
    }
    return `${lines.join("\n")}\n`;
  });
};

import { LAYERS, type Layer } from "@platform/infra/layers";
import { withBackup } from "./backup";
import { confirmDestroy } from "./confirm";
import { prepare, printResult, progressFor, type Action } from "./context";

export interface DestroyOptions {
  readonly environment: string;
  readonly yes: boolean;
  readonly forceProd: boolean;
  readonly json: boolean;
}

/** compute -> data -> network; stops at the first failure so nothing is left without what it runs on. */
export const runDestroy: Action<DestroyOptions> = async (options, context) => {
  const { io, environment, services } = await prepare(options.environment, context);
  await confirmDestroy(environment, io, { yes: options.yes, forceProd: options.forceProd });
  const order = [...LAYERS].reverse();
  const destroyed: { layer: Layer; deleted: number; backup: string }[] = [];
  const skipped: Layer[] = [];
  for (const [index, layer] of order.entries()) {
    const ref = { environment: environment.name, layer };
    if (!(await services.engine.isDeployed(ref))) {
      skipped.push(layer);
      continue;
    }
    try {
      io.err(`destroying ${environment.name}/${layer}`);
      const { result: outcome, backup } = await withBackup(services, io, ref, () =>
        services.engine.destroy(ref, { message: `devctl destroy ${environment.name}`, onProgress: progressFor(io, `${environment.name}/${layer}`) }),
      );
      destroyed.push({ layer, deleted: outcome.counts.delete, backup });
    } catch (error) {
      const report = { command: "destroy", environment: environment.name, ok: false, destroyed, failed: layer, notDestroyed: order.slice(index + 1), skipped };
      printResult(
        io,
        options.json,
        report,
        () =>
          `destroy of ${environment.name} STOPPED at ${layer}; destroyed: ${destroyed.map((d) => d.layer).join(", ") || "none"}; left: ${[layer, ...order.slice(index + 1)].join(", ")}\n`,
      );
      throw error;
    }
  }
  const report = { command: "destroy", environment: environment.name, ok: true, destroyed, skipped };
  printResult(
    io,
    options.json,
    report,
    () => `destroyed ${environment.name}: ${destroyed.map((d) => `${d.layer} (${d.deleted} resources)`).join(", ") || "nothing was deployed"}\n`,
  );
};

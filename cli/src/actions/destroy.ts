import { LAYERS, type Layer } from "@platform/infra/layers";
import { DevctlError } from "../errors";
import type { Services } from "../services/services";
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
  // Only production's programs protect resources (its database); other environments skip the state exports.
  if (environment.isProduction) await refuseProtected(environment.name, order, services);
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

/**
 * The engine refuses to delete a resource with Pulumi's `protect` option (production's database, a restored
 * copy's too) only when the destroy reaches it: compute would already be gone. Look first; destroy nothing
 * while any layer keeps one.
 */
async function refuseProtected(environment: string, layers: readonly Layer[], services: Services): Promise<void> {
  const kept: { layer: Layer; resources: string[] }[] = [];
  for (const layer of layers) {
    const ref = { environment, layer };
    if (!(await services.engine.isDeployed(ref))) continue;
    const resources = protectedResources(await services.engine.exportState(ref));
    if (resources.length > 0) kept.push({ layer, resources });
  }
  if (kept.length === 0) return;
  const unprotect = kept.map((k) => `(cd stacks/${k.layer} && pulumi state unprotect --all --yes --stack ${environment})`).join(" and ");
  throw new DevctlError(
    "OPERATION_FAILED",
    `${environment} keeps resources protected from deletion, so nothing was destroyed: ${kept.map((k) => `${k.layer}: ${k.resources.join(", ")}`).join("; ")}`,
    `they hold data devctl never deletes on its own. To remove them on purpose: take a final snapshot, turn off the database's deletion protection (aws rds modify-db-instance --db-instance-identifier <id> --no-deletion-protection --apply-immediately), run ${unprotect}, then destroy again; see docs/runbooks.md#restore-database-dr`,
  );
}

/** "<type> <name>" of each resource `pulumi stack export` marks `protect: true`. */
export function protectedResources(state: unknown): string[] {
  const resources = (state as { deployment?: { resources?: { urn?: unknown; type?: unknown; protect?: unknown }[] } } | undefined)?.deployment?.resources ?? [];
  return resources.flatMap((r) => (r.protect === true && typeof r.urn === "string" ? [`${String(r.type)} ${r.urn.slice(r.urn.lastIndexOf("::") + 2)}`] : []));
}

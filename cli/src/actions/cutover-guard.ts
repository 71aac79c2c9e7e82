/**
 * While `devctl dr cutover` has moved <env>'s host name to <env>-dr, a compute deploy of either would redeclare
 * the distributions' aliases as the stacks last saw them: <env> would reclaim a name another distribution holds,
 * <env>-dr would drop the name it serves. The cutover record in Route 53 says which state holds; this reads it
 * through the same EdgeControl the cutover writes it with, before a compute deploy changes anything.
 */
import { recoveredDomainName } from "@platform/infra/environment";
import { DevctlError } from "../errors";
import type { ActionContext } from "./context";
import { cutoverRecordName, parseCutoverRecord } from "./dr-cutover";

/** Stack config the compute layer reads (stacks/compute/index.ts): the recovery distribution keeps the host name. */
export const SERVING_CUTOVER_KEY = "platform-compute:servingCutover";

/** The flag that lets a recovery environment's compute deploy go ahead while it serves the production host name. */
export const DURING_CUTOVER_FLAG = "--during-cutover";

/**
 * Refuses a compute deploy of an environment, or of its recovery environment, while a cutover is recorded;
 * `duringCutover` (the recovery environment only) deploys it keeping the host name on its distribution.
 * `command` is how the refused command is named in the message, e.g. "devctl promote prod-dr".
 */
export async function guardCutover(action: ActionContext, options: { readonly duringCutover: boolean; readonly command: string }): Promise<void> {
  const { environment, services } = action;
  const source = environment.recovery.of;
  if (source === undefined && !environment.recovery.prepared) {
    if (options.duringCutover) {
      throw new DevctlError(
        "USAGE",
        `${DURING_CUTOVER_FLAG} is only for a recovery environment (<env>-dr); ${environment.name} is not one`,
        `run ${options.command} without ${DURING_CUTOVER_FLAG}`,
      );
    }
    return;
  }
  const host = source === undefined ? environment.dns.domainName : recoveredDomainName(environment.dns.domainName);
  const primary = source ?? environment.name;
  const edge = services.edge;
  if (!edge) {
    throw new DevctlError(
      "OPERATION_FAILED",
      `devctl was built without the Route 53 look-up that tells whether ${host} is cut over`,
      "run devctl from this repository's build (pnpm devctl)",
    );
  }
  const zoneId = await edge.publicZoneId(environment.dns.hostedZoneName);
  const marker = zoneId === undefined ? undefined : (await edge.records(zoneId, cutoverRecordName(host))).find((r) => r.type === "TXT");
  const ref = { environment: environment.name, layer: "compute" as const };

  if (marker === undefined) {
    if (options.duringCutover) {
      throw new DevctlError(
        "USAGE",
        `${host} is not cut over (no record at ${cutoverRecordName(host)}): ${DURING_CUTOVER_FLAG} does not apply`,
        `run ${options.command} without ${DURING_CUTOVER_FLAG}`,
      );
    }
    // After `dr cutover --back` the name is the primary's again: the recovery distribution lets it go.
    if (source !== undefined) await services.engine.removeConfig(ref, SERVING_CUTOVER_KEY);
    return;
  }
  const record = parseCutoverRecord(marker, host);
  const since = `${host} is cut over to ${record.recoveryEnvironment} (since ${record.at}, recorded at ${cutoverRecordName(host)})`;
  if (source === undefined) {
    throw new DevctlError(
      "USAGE",
      `${since}: deploying ${environment.name}'s compute layer now would try to take ${host} back from the distribution that serves it`,
      `run devctl dr cutover ${primary} --back first (it needs ${primary} healthy), then ${options.command}${options.duringCutover ? ` without ${DURING_CUTOVER_FLAG}` : ""}`,
    );
  }
  if (!options.duringCutover) {
    throw new DevctlError(
      "USAGE",
      `${since}: ${environment.name} serves production traffic, and this deploy would take ${host} off its distribution`,
      `run devctl dr cutover ${primary} --back first, or pass ${DURING_CUTOVER_FLAG} to deploy ${environment.name} keeping ${host} on its distribution`,
    );
  }
  action.io.err(`${since}: deploying ${environment.name} keeping ${host} on its distribution (${DURING_CUTOVER_FLAG})`);
  await services.engine.setConfig(ref, SERVING_CUTOVER_KEY, "true");
}

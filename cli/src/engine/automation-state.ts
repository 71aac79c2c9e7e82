import { parseDocument } from "yaml";
import { DevctlError } from "../errors";

/**
 * What the Automation adapter reads from and writes around a stack's state and config file, as pure
 * functions: the export devctl keeps as a backup, whether a stack holds resources, and the temporary
 * config file a preview runs with.
 */

/** `pulumi stack export` without --show-secrets: secret values stay ciphertext, as the state stores them. */
export const EXPORT_ARGS: readonly string[] = ["stack", "export"];

/** The export's JSON (`{ version, deployment: { secrets_providers, resources, … } }`). */
export function parseExport(stdout: string): unknown {
  try {
    return JSON.parse(stdout) as unknown;
  } catch (error) {
    throw new DevctlError(
      "OPERATION_FAILED",
      `pulumi stack export printed no JSON: ${stdout.slice(0, 200)}`,
      "run `pulumi stack export` in the layer's folder to see what it prints",
      { cause: error },
    );
  }
}

/**
 * True when the state holds something deployed: a resource other than the stack itself and its providers
 * (what a failed first update leaves behind, with no outputs yet), or stack outputs (a stack of outputs
 * only). A destroy leaves no resources at all, outputs included.
 */
export function stateHasResources(exported: unknown): boolean {
  const resources = (exported as { deployment?: { resources?: unknown } } | null)?.deployment?.resources;
  if (!Array.isArray(resources)) return false;
  return resources.some((resource: unknown) => {
    const { type, outputs } = (resource ?? {}) as { type?: unknown; outputs?: unknown };
    if (type === "pulumi:pulumi:Stack") return typeof outputs === "object" && outputs !== null && Object.keys(outputs).length > 0;
    return typeof type === "string" && !type.startsWith("pulumi:providers:");
  });
}

/**
 * The config file a preview runs with (`--config-file`): the stack's own file (secrets provider, salt,
 * encrypted values kept as they are) with the overrides applied; null removes a key. No file yet (a fresh
 * checkout) gives a file with the overrides only: the CLI then takes the secrets provider from the state
 * (PULUMI_FALLBACK_TO_STATE_SECRETS_MANAGER).
 */
export function previewConfig(stackFile: string | undefined, overrides: Readonly<Record<string, string | null>>): string {
  const document = parseDocument(stackFile ?? "{}");
  if (document.errors.length > 0) {
    throw new DevctlError(
      "USAGE",
      `the stack config file is not valid YAML: ${document.errors[0]?.message ?? ""}`,
      "fix or delete the file: devctl rewrites it on the next update",
    );
  }
  if (document.contents === null) document.contents = document.createNode({}) as never;
  for (const [key, value] of Object.entries(overrides)) {
    if (value === null) {
      if (document.hasIn(["config", key])) document.deleteIn(["config", key]);
    } else if (document.hasIn(["config"])) document.setIn(["config", key], value);
    else document.set("config", { [key]: value });
  }
  return document.toString();
}

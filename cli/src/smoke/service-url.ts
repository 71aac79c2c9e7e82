/**
 * Finds an environment's service URL when --url is not given: the `serviceUrl` output of its compute stack,
 * read through devctl's engine (the Automation API adapter). The engine is loaded only on this path, so
 * `devctl smoke --url` needs neither the Pulumi CLI nor the Automation API.
 */
import { DevctlError } from "../errors";
import type { Io } from "../io";

/** The slice of devctl's engine that smoke needs. */
export interface ServiceUrlSource {
  serviceUrl(environment: string): Promise<string>;
}

/** Where the engine lives, relative to this file; a module exporting `createServiceUrlSource(io)`. */
const ENGINE_MODULE = "../engine/service-url.js";

export async function resolveServiceUrl(environment: string, io: Io, load: () => Promise<unknown> = () => import(ENGINE_MODULE)): Promise<string> {
  let source: ServiceUrlSource;
  try {
    const mod = (await load()) as { createServiceUrlSource?: (io: Io) => ServiceUrlSource };
    if (typeof mod.createServiceUrlSource !== "function") throw new Error("the engine module has no createServiceUrlSource()");
    source = mod.createServiceUrlSource(io);
  } catch (error) {
    throw new DevctlError(
      "USAGE",
      `cannot read the "${environment}" environment's service URL from its compute stack outputs: devctl's stack engine is not available in this build (${error instanceof Error ? error.message : String(error)})`,
      `pass the URL instead: devctl smoke ${environment} --url https://<your service>`,
      { cause: error },
    );
  }
  return validateUrl(await source.serviceUrl(environment), `the compute stack output serviceUrl of "${environment}"`);
}

/** Accepts only absolute http(s) URLs; anything else is a usage error naming where the URL came from. */
export function validateUrl(raw: string, origin: string): string {
  let url: URL;
  try {
    url = new URL(raw);
  } catch {
    throw new DevctlError("USAGE", `${origin} is not a URL: "${raw}"`, "give an absolute URL such as https://ledger.staging.example.com");
  }
  if (url.protocol !== "http:" && url.protocol !== "https:") {
    throw new DevctlError("USAGE", `${origin} must be an http(s) URL, got "${raw}"`, "give an absolute URL such as https://ledger.staging.example.com");
  }
  if (url.search || url.hash) {
    throw new DevctlError("USAGE", `${origin} must not carry a query or fragment: "${raw}"`, "give the service's base URL, e.g. https://ledger.staging.example.com");
  }
  return url.toString().replace(/\/+$/, "");
}

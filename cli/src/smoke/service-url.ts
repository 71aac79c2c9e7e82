/**
 * Finds an environment's service URL when --url is not given: the `serviceUrl` output of its compute stack,
 * read through devctl's engine. The engine (and the Automation API behind it) is loaded only on this path,
 * so `devctl smoke --url` needs neither the Pulumi CLI nor cloud credentials.
 */
import type { Environment } from "@platform/infra/environment";
import type { Engine } from "../engine/engine";
import { DevctlError } from "../errors";
import type { Io } from "../io";

/** Builds the real engine for an environment; tests pass one that returns an in-memory engine. */
export type EngineLoader = (environment: Environment, io: Io) => Promise<Engine>;

/**
 * The module that builds devctl's real services (Automation API engine). Kept as a variable so this file
 * compiles and `--url` works whether or not that module is part of the build.
 */
const SERVICES_MODULE = "../services/default-services.js";

const defaultLoader: EngineLoader = async (environment, io) => {
  let factory: unknown;
  try {
    const mod = (await import(SERVICES_MODULE)) as { createServices?: unknown };
    factory = mod.createServices;
  } catch (error) {
    factory = error;
  }
  if (typeof factory !== "function") {
    throw new DevctlError(
      "USAGE",
      `cannot read the "${environment.name}" environment's service URL: devctl's stack engine is not available in this build`,
      `pass the URL instead: devctl smoke ${environment.name} --url https://${environment.dns.domainName}`,
    );
  }
  const services = (await (factory as (e: Environment, io: Io) => Promise<{ engine: Engine }>)(environment, io));
  return services.engine;
};

export async function resolveServiceUrl(environmentName: string, io: Io, loadEngine: EngineLoader = defaultLoader): Promise<string> {
  const { loadEnvironment } = await import("@platform/infra/environment");
  const environment = loadEnvironment(environmentName);
  const engine = await loadEngine(environment, io);
  const outputs = await engine.outputs({ environment: environment.name, layer: "compute" });
  const fix = `deploy it with: devctl up ${environment.name}, or pass --url`;
  if (Object.keys(outputs).length === 0) {
    throw new DevctlError("UPSTREAM_NOT_DEPLOYED", `the compute layer of "${environment.name}" has never been deployed: its stack has no outputs`, fix);
  }
  const url = outputs.serviceUrl;
  if (typeof url !== "string" || url === "") {
    throw new DevctlError("UPSTREAM_NOT_DEPLOYED", `the compute stack of "${environment.name}" has no serviceUrl output`, fix);
  }
  return validateUrl(url, `the compute stack output serviceUrl of "${environment.name}"`);
}

/** Accepts only absolute http(s) URLs; anything else is a usage error naming where the URL came from. */
export function validateUrl(raw: string, origin: string): string {
  const example = "give the service's base URL, e.g. https://ledger.staging.example.com or http://127.0.0.1:8080";
  let url: URL;
  try {
    url = new URL(raw);
  } catch {
    throw new DevctlError("USAGE", `${origin} is not a URL: "${raw}"`, example);
  }
  if (url.protocol !== "http:" && url.protocol !== "https:") {
    throw new DevctlError("USAGE", `${origin} must be an http(s) URL, got "${raw}"`, example);
  }
  if (url.search || url.hash) {
    throw new DevctlError("USAGE", `${origin} must not carry a query or fragment: "${raw}"`, example);
  }
  return url.toString().replace(/\/+$/, "");
}

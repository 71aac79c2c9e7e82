/**
 * Where smoke sends its requests: the URL given with --url, or the environment's `serviceUrl` compute
 * stack output, read through devctl's engine. The engine (and the Automation API behind it) loads only on
 * the outputs path, so `devctl smoke --url` needs neither the Pulumi CLI nor cloud credentials.
 */
import type { Engine } from "../engine/engine";
import { DevctlError } from "../errors";

export async function serviceUrlFromOutputs(engine: Engine, environment: string): Promise<string> {
  const outputs = await engine.outputs({ environment, layer: "compute" });
  const fix = `deploy it with: devctl up ${environment}; or pass the URL with --url`;
  if (Object.keys(outputs).length === 0) {
    throw new DevctlError("UPSTREAM_NOT_DEPLOYED", `the compute layer of "${environment}" has never been deployed: its stack has no outputs`, fix);
  }
  const url = outputs.serviceUrl;
  if (typeof url !== "string" || url === "") {
    throw new DevctlError("UPSTREAM_NOT_DEPLOYED", `the compute stack of "${environment}" has no serviceUrl output`, fix);
  }
  return validateUrl(url, `the compute stack output serviceUrl of "${environment}"`);
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

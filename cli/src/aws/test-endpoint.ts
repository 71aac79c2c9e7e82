import { DevctlError } from "../errors";

/**
 * DEVCTL_AWS_ENDPOINT_URL is for TESTS ONLY: it sends devctl's own AWS calls (the ECS deployment watcher,
 * the alarm soak gate, the RDS backup look-up, CloudFront and Route 53) to an AWS API emulator on this
 * machine, the moto server of the engine suite (cli/test/engine). The Pulumi programs' calls never read it. Only a loopback http address is accepted, so
 * a stray variable cannot send a real deployment's checks anywhere else.
 */
export function testAwsEndpoint(env: Readonly<Record<string, string | undefined>>): string | undefined {
  return loopbackOverride(env, "DEVCTL_AWS_ENDPOINT_URL", "a local AWS API emulator", "the emulator");
}

/**
 * DEVCTL_SMOKE_URL is for TESTS ONLY: the smoke checks of `devctl dr restore`, `dr drill` and `dr cutover` go to
 * it instead of the recovery environment's public URL, which a simulated cloud does not serve (the engine suite
 * points it at a local fake of the service). Loopback only, for the same reason as DEVCTL_AWS_ENDPOINT_URL:
 * a stray variable must never let a real restore pass its smoke checks against something else.
 */
export function testSmokeUrl(env: Readonly<Record<string, string | undefined>>): string | undefined {
  return loopbackOverride(env, "DEVCTL_SMOKE_URL", "a local fake of the service", "the fake service");
}

function loopbackOverride(env: Readonly<Record<string, string | undefined>>, variable: string, purpose: string, target: string): string | undefined {
  const value = env[variable];
  if (value === undefined || value === "") return undefined;
  let url: URL | undefined;
  try {
    url = new URL(value);
  } catch {
    url = undefined;
  }
  if (!url || url.protocol !== "http:" || !["127.0.0.1", "localhost", "[::1]"].includes(url.hostname)) {
    throw new DevctlError(
      "USAGE",
      `${variable}=${value} is not a loopback http address; it exists only to point devctl at ${purpose} in tests`,
      `unset ${variable} for real deployments, or use http://127.0.0.1:<port> for ${target}`,
    );
  }
  return url.origin;
}

import { DevctlError } from "../errors";

/**
 * DEVCTL_AWS_ENDPOINT_URL is for TESTS ONLY: it sends devctl's own AWS calls (the ECS deployment watcher,
 * the alarm soak gate, the RDS backup look-up, CloudFront and Route 53) to an AWS API emulator on this
 * machine, the moto server of the engine suite (cli/test/engine). The Pulumi programs' calls never read it. Only a loopback http address is accepted, so
 * a stray variable cannot send a real deployment's checks anywhere else.
 */
export function testAwsEndpoint(env: Readonly<Record<string, string | undefined>>): string | undefined {
  const value = env.DEVCTL_AWS_ENDPOINT_URL;
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
      `DEVCTL_AWS_ENDPOINT_URL=${value} is not a loopback http address; it exists only to point devctl at a local AWS API emulator in tests`,
      "unset DEVCTL_AWS_ENDPOINT_URL for real deployments, or use http://127.0.0.1:<port> for the emulator",
    );
  }
  return url.origin;
}

/**
 * Interface endpoints the platform needs by default: image pulls (ecr.api, ecr.dkr), task logs (logs) and
 * secrets (secretsmanager). Each costs about 0.01 USD per AZ-hour plus data, so kms, sts, monitoring, ...
 * are opt-in: their traffic still works through the NAT gateway.
 */
export const DEFAULT_INTERFACE_ENDPOINTS = ["ecr.api", "ecr.dkr", "logs", "secretsmanager"] as const;

/** Logical-name suffix of an endpoint: `ecr.api` -> `ecr-api`. */
export function endpointKey(service: string): string {
  if (!/^[a-z0-9]+([.-][a-z0-9]+)*$/.test(service)) {
    throw new Error(`VPC endpoint service "${service}" is not a service short name such as "ecr.api" or "secretsmanager".`);
  }
  return service.replace(/\./g, "-");
}

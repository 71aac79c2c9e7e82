import * as ipaddr from "ipaddr.js";

/** Values CloudWatch Logs accepts for a log group's retention, in days. */
export const LOG_RETENTION_DAYS = [1, 3, 5, 7, 14, 30, 60, 90, 120, 150, 180, 365, 400, 545, 731, 1096, 1827, 2192, 2557, 2922, 3288, 3653] as const;

/**
 * Numeric settings whose bounds AWS sets: the environment schema refuses a file outside them and the component
 * that uses the value refuses it too (it may be built from other inputs), both from this one table.
 */
export const SETTING_RANGES = {
  /** RDS keeps automated backups 1-35 days; 0 would turn point-in-time recovery off. */
  dbBackupRetentionDays: { min: 1, max: 35 },
  /** ElastiCache allows up to 5 replicas in a shard. */
  redisReplicaCount: { min: 0, max: 5 },
  /** A canary takes some of the traffic and never all of it. */
  canaryPercent: { min: 1, max: 99 },
  /** ECS linear deployments move at least 3 % of the traffic per step. */
  linearStepPercent: { min: 3, max: 99 },
  /** ECS bakes a deployment for at most a day. */
  deploymentBakeMinutes: { min: 0, max: 1440 },
} as const satisfies Record<string, { readonly min: number; readonly max: number }>;

/** True when value is a whole number inside the range. */
export function inRange(value: number, range: { readonly min: number; readonly max: number }): boolean {
  return Number.isInteger(value) && value >= range.min && value <= range.max;
}

/** Fewest days of automated backups a production database keeps, so a mistake found a week later can be undone. */
export const MIN_PRODUCTION_BACKUP_RETENTION_DAYS = 7;

/** A part of the production database rule a database falls short of (see productionDatabaseShortfalls). */
export type ProductionDatabaseShortfall = "multiAz" | "deletionProtection" | "backupRetention";

/**
 * The production database rule, stated once: Multi-AZ (a standby in a second AZ), deletion-protected, and
 * automated backups kept at least MIN_PRODUCTION_BACKUP_RETENTION_DAYS. Returns what a database falls short of;
 * the schema, the Database component and the policy pack each name their own setting in the message.
 */
export function productionDatabaseShortfalls(database: {
  readonly multiAz: boolean;
  readonly deletionProtection: boolean;
  /** Undefined when unset. */
  readonly backupRetentionDays: number | undefined;
}): ProductionDatabaseShortfall[] {
  const shortfalls: ProductionDatabaseShortfall[] = [];
  if (!database.multiAz) shortfalls.push("multiAz");
  if (!database.deletionProtection) shortfalls.push("deletionProtection");
  if (database.backupRetentionDays === undefined || database.backupRetentionDays < MIN_PRODUCTION_BACKUP_RETENTION_DAYS) shortfalls.push("backupRetention");
  return shortfalls;
}

/** Fargate task sizes: memory (MiB) allowed for each CPU value. */
export const FARGATE_MEMORY_BY_CPU: Readonly<Record<number, readonly number[]>> = {
  256: [512, 1024, 2048],
  512: range(1024, 4096, 1024),
  1024: range(2048, 8192, 1024),
  2048: range(4096, 16384, 1024),
  4096: range(8192, 30720, 1024),
  8192: range(16384, 61440, 4096),
  16384: range(32768, 122880, 8192),
};

function range(from: number, to: number, step: number): number[] {
  const out: number[] = [];
  for (let v = from; v <= to; v += step) out.push(v);
  return out;
}

const PRIVATE_RANGES: ReadonlyArray<[string, number]> = [
  ["10.0.0.0", 8],
  ["172.16.0.0", 12],
  ["192.168.0.0", 16],
];

/**
 * Checks a VPC CIDR: dotted IPv4 with a prefix, host bits zero, inside an RFC 1918 range, /16 to /20.
 * Returns a problem description, or undefined when the CIDR is good.
 */
export function vpcCidrProblem(cidr: string): string | undefined {
  if (!/^\d{1,3}(\.\d{1,3}){3}\/\d{1,2}$/.test(cidr) || !ipaddr.IPv4.isValidCIDR(cidr)) {
    return "is not an IPv4 CIDR; write it as a.b.c.d/nn, e.g. 10.20.0.0/16";
  }
  const [address, prefix] = ipaddr.IPv4.parseCIDR(cidr);
  const network = ipaddr.IPv4.networkAddressFromCIDR(cidr).toString();
  if (network !== address.toString()) {
    return `has host bits set; the network address for /${prefix} is ${network}/${prefix}`;
  }
  if (prefix < 16 || prefix > 20) {
    return `has prefix /${prefix}; a VPC here must be /16 to /20 (AWS allows /16-/28, the subnet plan needs room)`;
  }
  const isPrivate = PRIVATE_RANGES.some(([base, bits]) => address.match(ipaddr.IPv4.parse(base), bits));
  if (!isPrivate) {
    return "is not a private (RFC 1918) range; use a block inside 10.0.0.0/8, 172.16.0.0/12 or 192.168.0.0/16";
  }
  return undefined;
}

/** An AWS region name such as eu-west-1 or us-gov-west-1. */
export const AWS_REGION_PATTERN = /^[a-z]{2}(-gov|-iso[a-z]*)?-[a-z]+-\d$/;

/** A DNS host name: labels of letters, digits and hyphens, at least two labels, lower case. */
export const HOST_NAME_PATTERN = /^(?=.{1,253}$)([a-z0-9]([a-z0-9-]{0,61}[a-z0-9])?\.)+[a-z]{2,63}$/;

/** Tag keys the platform sets itself; an extra tag may not override them. */
export const RESERVED_TAG_KEYS = ["Environment", "Layer", "Owner", "CostCenter", "ManagedBy"] as const;

/** Built-in node pools of EKS Auto Mode. */
export const EKS_NODE_POOLS = ["general-purpose", "system"] as const;

/**
 * Checks a CIDR allowed to reach a public EKS API endpoint: IPv4 with a prefix, host bits zero, and not the whole
 * internet (a public endpoint open to 0.0.0.0/0 is what the restriction exists to prevent).
 */
export function publicAccessCidrProblem(cidr: string): string | undefined {
  if (!/^\d{1,3}(\.\d{1,3}){3}\/\d{1,2}$/.test(cidr) || !ipaddr.IPv4.isValidCIDR(cidr)) {
    return "is not an IPv4 CIDR; write it as a.b.c.d/nn, e.g. 203.0.113.0/24";
  }
  const [address, prefix] = ipaddr.IPv4.parseCIDR(cidr);
  const network = ipaddr.IPv4.networkAddressFromCIDR(cidr).toString();
  if (network !== address.toString()) return `has host bits set; the network address for /${prefix} is ${network}/${prefix}`;
  if (prefix < 8) return `is /${prefix}, far too wide for the Kubernetes API; list your offices' or VPN's ranges (/8 or narrower)`;
  return undefined;
}

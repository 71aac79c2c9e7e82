import { z } from "zod";
import {
  AWS_REGION_PATTERN,
  EKS_NODE_POOLS,
  FARGATE_MEMORY_BY_CPU,
  HOST_NAME_PATTERN,
  LOG_RETENTION_DAYS,
  MIN_PRODUCTION_BACKUP_RETENTION_DAYS,
  productionDatabaseShortfalls,
  publicAccessCidrProblem,
  RESERVED_TAG_KEYS,
  SETTING_RANGES,
  vpcCidrProblem,
} from "./rules";
import { MESH_MODES, meshRouteProblem, meshSettingsProblems } from "./mesh";
import { MIGRATION_TARGETS, migrationSettingsProblems } from "./migration";

/**
 * The raw settings of one environment file, after Pulumi.yaml's defaults are applied: one field per key
 * declared in the root Pulumi.yaml `config:` block (a test keeps the two in step).
 * Each field's message says what is allowed, because it is shown to the person who edits the file.
 */
const int = (min: number, max: number) =>
  z
    .number({ error: "must be a whole number" })
    .int({ error: `must be a whole number from ${min} to ${max}` })
    .min(min, { error: `must be from ${min} to ${max}` })
    .max(max, { error: `must be from ${min} to ${max}` });

const intIn = (range: { readonly min: number; readonly max: number }) => int(range.min, range.max);

const str = (pattern: RegExp, allowed: string) => z.string({ error: "must be a string" }).regex(pattern, { error: `must be ${allowed}` });

const bool = () => z.boolean({ error: "must be true or false" });

const oneOf = <T extends readonly [string, ...string[]]>(values: T) => z.enum(values, { error: `must be one of: ${values.join(", ")}` });

export const settingsSchema = z
  .object({
    tier: oneOf(["production", "staging", "development"] as const),
    awsRegion: str(AWS_REGION_PATTERN, "an AWS region name such as eu-west-1"),
    drRegion: str(AWS_REGION_PATTERN, "an AWS region name such as eu-central-1"),
    azCount: int(2, 6),
    vpcCidr: z.string({ error: "must be a string such as 10.20.0.0/16" }).superRefine((cidr, ctx) => {
      const problem = vpcCidrProblem(cidr);
      if (problem) ctx.addIssue({ code: "custom", message: problem });
    }),
    natGateways: oneOf(["single", "perAz"] as const),
    domainName: str(HOST_NAME_PATTERN, "a lower-case DNS name such as ledger.example.com"),
    hostedZoneName: str(HOST_NAME_PATTERN, "a lower-case DNS zone name such as example.com"),
    dbInstanceClass: str(/^db\.[a-z0-9]+\.[a-z0-9]+$/, "an RDS instance class such as db.t4g.micro"),
    // Major only: with automatic minor upgrades a pinned minor would show as drift and try to downgrade.
    dbEngineVersion: str(/^1[1-9]$/, "a PostgreSQL major version RDS offers, such as 16"),
    dbAllocatedStorageGb: int(20, 65536),
    dbMaxAllocatedStorageGb: int(20, 65536),
    dbMultiAz: bool(),
    dbBackupRetentionDays: intIn(SETTING_RANGES.dbBackupRetentionDays),
    dbDeletionProtection: bool(),
    dbReplicateBackupsToDr: bool(),
    redisNodeType: str(/^cache\.[a-z0-9]+\.[a-z0-9]+$/, "an ElastiCache node type such as cache.t4g.micro"),
    redisEngineVersion: str(/^\d+\.\d+$/, "a Redis version such as 7.1"),
    redisReplicaCount: intIn(SETTING_RANGES.redisReplicaCount),
    redisSnapshotRetentionDays: int(0, 35),
    serviceCpu: z.union(Object.keys(FARGATE_MEMORY_BY_CPU).map((cpu) => z.literal(Number(cpu))) as unknown as [z.ZodLiteral<number>, z.ZodLiteral<number>], {
      error: `must be one of the Fargate CPU sizes: ${Object.keys(FARGATE_MEMORY_BY_CPU).join(", ")}`,
    }),
    serviceMemoryMb: int(512, 122880),
    serviceMinTasks: int(1, 100),
    serviceMaxTasks: int(1, 100),
    servicePort: int(1024, 65535),
    serviceShutdownTimeoutMs: int(1000, 110000),
    deploymentStrategy: oneOf(["rolling", "canary", "linear"] as const),
    canaryPercent: intIn(SETTING_RANGES.canaryPercent),
    linearStepPercent: intIn(SETTING_RANGES.linearStepPercent),
    deploymentBakeMinutes: intIn(SETTING_RANGES.deploymentBakeMinutes),
    alarm5xxRatePercent: int(1, 100),
    alarmP99LatencyMs: int(10, 60000),
    wafRateLimitPer5Min: int(100, 2_000_000_000),
    logRetentionDays: z.number({ error: "must be a whole number" }).refine((d) => (LOG_RETENTION_DAYS as readonly number[]).includes(d), {
      error: `must be one of the values CloudWatch accepts: ${LOG_RETENTION_DAYS.join(", ")}`,
    }),
    alertEmails: z
      .array(z.email({ error: "must be an e-mail address such as oncall@example.com" }), {
        error: "must be a list of e-mail addresses",
      })
      .min(1, { error: "must list at least one e-mail address" }),
    owner: str(/^[A-Za-z0-9][A-Za-z0-9 ._:/=+@-]{0,255}$/, "a team name usable as a tag value"),
    costCenter: str(/^[A-Za-z0-9][A-Za-z0-9 ._:/=+@-]{0,255}$/, "a cost-centre code usable as a tag value"),
    extraTags: z.array(
      z
        .string({ error: "must be a string Key=Value" })
        .regex(/^[A-Za-z0-9 ._:/+@-]{1,128}=[A-Za-z0-9 ._:/=+@-]{0,256}$/, {
          error: "must be Key=Value with a tag-safe key (up to 128 characters) and value",
        })
        .refine((entry) => !entry.toLowerCase().startsWith("aws:"), {
          error: "uses the aws: prefix, which AWS reserves",
        })
        .refine((entry) => !(RESERVED_TAG_KEYS as readonly string[]).includes(entry.split("=")[0] ?? ""), {
          error: `sets a tag the platform sets itself (${RESERVED_TAG_KEYS.join(", ")})`,
        }),
      { error: "must be a list of Key=Value strings" },
    ),
    computePlatform: oneOf(["ecs", "eks", "lambda"] as const),
    computeMigrateTo: oneOf(MIGRATION_TARGETS),
    // Versions EKS offers standard or extended support for; the pattern only keeps typos out, EKS has the last word.
    eksKubernetesVersion: str(/^1\.(2[89]|3\d)$/, 'a Kubernetes minor version EKS supports, quoted, such as "1.35"'),
    eksSupportType: oneOf(["STANDARD", "EXTENDED"] as const),
    eksNodePools: z
      .array(oneOf(EKS_NODE_POOLS), { error: `must be a list of Auto Mode node pools: ${EKS_NODE_POOLS.join(", ")}` })
      .refine((pools) => pools.includes("general-purpose"), { error: "must include general-purpose, which runs the service" })
      .refine((pools) => new Set(pools).size === pools.length, { error: "lists a node pool twice" }),
    eksEndpointPublicAccess: bool(),
    eksPublicAccessCidrs: z.array(
      z.string({ error: "must be a string such as 203.0.113.0/24" }).superRefine((cidr, ctx) => {
        const problem = publicAccessCidrProblem(cidr);
        if (problem) ctx.addIssue({ code: "custom", message: problem });
      }),
      { error: "must be a list of IPv4 CIDRs" },
    ),
    // Lambda settings (platform lambda). 10,240 MB is Lambda's largest size; above 1,769 MB a function gets more than one vCPU.
    lambdaMemoryMb: int(128, 10240),
    // API Gateway HTTP APIs wait at most 30 s for an integration, so a longer function timeout would never be seen.
    lambdaTimeoutSeconds: int(1, 29),
    lambdaReservedConcurrency: int(1, 1000),
    apiThrottleRatePerSecond: int(1, 10000),
    apiThrottleBurst: int(1, 5000),
    meshMode: oneOf(MESH_MODES),
    meshMtls: bool(),
    meshRoutes: z.array(
      z.string({ error: 'must be a string such as "/ timeout=15s"' }).superRefine((entry, ctx) => {
        const problem = meshRouteProblem(entry);
        if (problem) ctx.addIssue({ code: "custom", message: problem });
      }),
      { error: 'must be a list of routes such as "/ timeout=15s retries=2"' },
    ),
    oidcIssuer: z.union([z.literal(""), z.url({ protocol: /^https$/, error: "must be an https URL or empty" })], {
      error: "must be an https URL such as https://login.example.com/ or empty for API keys only",
    }),
    oidcAudience: str(/^\S{1,256}$/, "a non-empty audience without spaces"),
    oidcRolesClaim: str(/^[A-Za-z0-9_:./-]{1,128}$/, "a claim name such as roles"),
  })
  .strict()
  .superRefine((s, ctx) => {
    const problem = (key: keyof typeof s, message: string) => ctx.addIssue({ code: "custom", path: [key], message });

    if (s.serviceMinTasks > s.serviceMaxTasks) {
      problem("serviceMinTasks", `is more than serviceMaxTasks (${s.serviceMaxTasks}); make it at most ${s.serviceMaxTasks}`);
    }
    if (s.dbMaxAllocatedStorageGb < s.dbAllocatedStorageGb) {
      problem("dbMaxAllocatedStorageGb", `is less than dbAllocatedStorageGb (${s.dbAllocatedStorageGb}); make it at least ${s.dbAllocatedStorageGb}`);
    }
    if (s.drRegion === s.awsRegion) {
      problem("drRegion", "is the same as awsRegion; a disaster-recovery copy must live in another region");
    }
    if (s.domainName !== s.hostedZoneName && !s.domainName.endsWith(`.${s.hostedZoneName}`)) {
      problem("domainName", `is not inside hostedZoneName (${s.hostedZoneName}); use a name ending in .${s.hostedZoneName}`);
    }
    const memories = FARGATE_MEMORY_BY_CPU[s.serviceCpu];
    if (memories && !memories.includes(s.serviceMemoryMb)) {
      problem("serviceMemoryMb", `is not a Fargate size for serviceCpu ${s.serviceCpu}; allowed: ${memories.join(", ")}`);
    }
    if (s.eksEndpointPublicAccess && s.eksPublicAccessCidrs.length === 0) {
      problem("eksPublicAccessCidrs", "is empty while eksEndpointPublicAccess is true; list the CIDRs that may reach the API, or keep the endpoint private");
    }
    if (!s.eksEndpointPublicAccess && s.eksPublicAccessCidrs.length > 0) {
      problem("eksPublicAccessCidrs", "is set while eksEndpointPublicAccess is false; remove it, or turn public access on");
    }
    for (const mesh of meshSettingsProblems(s)) problem(mesh.key, mesh.message);
    for (const migration of migrationSettingsProblems(s)) problem(migration.key, migration.message);

    if (s.computePlatform === "lambda" && s.apiThrottleBurst < s.apiThrottleRatePerSecond) {
      problem(
        "apiThrottleBurst",
        `is below apiThrottleRatePerSecond (${s.apiThrottleRatePerSecond}); API Gateway would refuse a second's worth of steady traffic arriving at once, so make it at least ${s.apiThrottleRatePerSecond}`,
      );
    }

    if (s.tier !== "production") return;
    // Production rules: what "highly available" and "RPO 15 min / RTO 1 h" mean in settings.
    if (s.azCount < 3) problem("azCount", "is too few for production; production needs at least 3 availability zones");
    if (s.natGateways !== "perAz") problem("natGateways", "must be perAz in production, so losing one AZ keeps egress");
    const database = { multiAz: s.dbMultiAz, deletionProtection: s.dbDeletionProtection, backupRetentionDays: s.dbBackupRetentionDays };
    for (const shortfall of productionDatabaseShortfalls(database)) {
      if (shortfall === "multiAz") problem("dbMultiAz", "must be true in production (a standby in a second AZ)");
      if (shortfall === "deletionProtection") problem("dbDeletionProtection", "must be true in production");
      if (shortfall === "backupRetention") {
        problem("dbBackupRetentionDays", `is too short for production; keep at least ${MIN_PRODUCTION_BACKUP_RETENTION_DAYS} days`);
      }
    }
    if (!s.dbReplicateBackupsToDr) {
      problem("dbReplicateBackupsToDr", "must be true in production; the DR restore (RTO 1 h) needs backups in drRegion");
    }
    if (s.redisReplicaCount < 1) problem("redisReplicaCount", "must be at least 1 in production for automatic failover");
    if (s.serviceMinTasks < 2) problem("serviceMinTasks", "must be at least 2 in production so one task can fail");
    if (s.computePlatform === "lambda" && s.lambdaReservedConcurrency < 10) {
      problem("lambdaReservedConcurrency", "is too low for production; reserve at least 10 concurrent executions so a burst is not throttled");
    }
    if (s.deploymentStrategy === "rolling") {
      problem("deploymentStrategy", "must be canary or linear in production (progressive, with alarm rollback)");
    }
  });

export type Settings = z.infer<typeof settingsSchema>;

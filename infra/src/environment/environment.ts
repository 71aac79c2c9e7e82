import { parseMeshRoute, type MeshRoute } from "./mesh";
import type { Settings } from "./schema";

/** One environment (staging, prod, ...) as every layer and devctl see it: typed, validated and frozen. */
export interface Environment {
  /** Environment (and stack) name, e.g. "staging". */
  readonly name: string;
  /** Absolute path of the environment file it was read from. */
  readonly file: string;
  readonly tier: Settings["tier"];
  /** True for tier production: the high-availability rules hold and destructive actions need confirmation. */
  readonly isProduction: boolean;
  readonly awsRegion: string;
  readonly drRegion: string;
  /** Disaster recovery: what this environment keeps ready in drRegion, or which environment it recovers. */
  readonly recovery: {
    /** Keep what a restore in drRegion needs (replicated backups, image, secrets, keys): dbReplicateBackupsToDr. */
    readonly prepared: boolean;
    /** Set on a recovery environment (<env>-dr, derived by loadEnvironment): the environment it restores. */
    readonly of?: string;
  };
  readonly network: {
    readonly azCount: number;
    readonly vpcCidr: string;
    readonly natGateways: Settings["natGateways"];
  };
  readonly dns: {
    readonly domainName: string;
    readonly hostedZoneName: string;
  };
  /** PostgreSQL's settings, as the Database component takes them. */
  readonly database: {
    /** RDS instance class, e.g. db.t4g.micro. */
    readonly instanceClass: string;
    /** PostgreSQL version (the environment file gives the major, e.g. "16"); RDS gets the major only (see postgresMajorVersion). */
    readonly engineVersion: string;
    /** Initial gp3 storage (GiB). */
    readonly allocatedStorageGb: number;
    /** Storage autoscaling ceiling (GiB). */
    readonly maxAllocatedStorageGb: number;
    /** Synchronous standby in a second AZ. */
    readonly multiAz: boolean;
    /** Automated backup (and point-in-time recovery) retention, 1-35 days. */
    readonly backupRetentionDays: number;
    readonly deletionProtection: boolean;
    /** Replicate automated backups to the DR region (the Database component needs `drProvider`). */
    readonly replicateBackupsToDr: boolean;
  };
  /** Redis's settings, as the Cache component takes them. */
  readonly cache: {
    /** ElastiCache node type, e.g. cache.t4g.micro. */
    readonly nodeType: string;
    /** Redis OSS major.minor version, e.g. "7.1". */
    readonly engineVersion: string;
    /** Read replicas of the primary (0-5); one or more turns on automatic failover and Multi-AZ. */
    readonly replicaCount: number;
    /** Days of daily snapshots kept (0 turns snapshots off). */
    readonly snapshotRetentionDays: number;
  };
  readonly service: {
    readonly cpu: number;
    readonly memoryMb: number;
    readonly minTasks: number;
    readonly maxTasks: number;
    readonly port: number;
    readonly shutdownTimeoutMs: number;
  };
  readonly deployment: {
    readonly strategy: Settings["deploymentStrategy"];
    readonly canaryPercent: number;
    readonly linearStepPercent: number;
    readonly bakeMinutes: number;
    readonly alarm5xxRatePercent: number;
    readonly alarmP99LatencyMs: number;
  };
  /** Where the service runs; the compute layer chooses its platform component from this, once. */
  readonly compute: {
    readonly platform: Settings["computePlatform"];
    /** The platform being brought in beside `platform` during a migration (devctl migrate); none otherwise. */
    readonly migrateTo: Settings["computeMigrateTo"];
    /** EKS settings; read only when platform is eks. */
    readonly eks: {
      readonly kubernetesVersion: string;
      readonly supportType: Settings["eksSupportType"];
      readonly nodePools: readonly Settings["eksNodePools"][number][];
      readonly endpointPublicAccess: boolean;
      readonly publicAccessCidrs: readonly string[];
    };
    /** Lambda settings; read only when platform is lambda. */
    readonly lambda: {
      readonly memoryMb: number;
      readonly timeoutSeconds: number;
      /** Concurrent executions kept for this function, and its ceiling (protects the account and the database). */
      readonly reservedConcurrency: number;
      /** API Gateway's stage throttle: steady requests per second and the burst above it. */
      readonly throttle: { readonly ratePerSecond: number; readonly burst: number };
    };
  };
  /** The service mesh, the same shape on every platform; which modes a platform runs is checked on load. */
  readonly mesh: {
    readonly mode: Settings["meshMode"];
    /** Mutual TLS between the service's callers and the service (Service Connect TLS, or STRICT in Istio). */
    readonly mtls: boolean;
    /** Per-route timeouts and retries; the "/" route covers every request no other prefix matches. */
    readonly routes: readonly MeshRoute[];
  };
  readonly waf: { readonly rateLimitPer5Min: number };
  /** How the service accepts people's logins; an empty issuer means API keys only. */
  readonly oidc: { readonly issuer: string; readonly audience: string; readonly rolesClaim: string };
  readonly logRetentionDays: number;
  readonly alertEmails: readonly string[];
  /** Tags every resource carries: Environment, Owner, CostCenter, ManagedBy and the extra tags. Layers add Layer. */
  readonly tags: Readonly<Record<string, string>>;
}

/**
 * Shapes validated settings into the Environment every consumer uses. `recoveryOf` marks a recovery
 * environment derived from that environment's settings (see recovery.ts).
 */
export function toEnvironment(name: string, file: string, s: Settings, recoveryOf?: string): Environment {
  const extra = Object.fromEntries(
    s.extraTags.map((entry) => {
      const at = entry.indexOf("=");
      return [entry.slice(0, at), entry.slice(at + 1)];
    }),
  );
  return deepFreeze({
    name,
    file,
    tier: s.tier,
    isProduction: s.tier === "production",
    awsRegion: s.awsRegion,
    drRegion: s.drRegion,
    recovery: recoveryOf === undefined ? { prepared: s.dbReplicateBackupsToDr } : { prepared: false, of: recoveryOf },
    network: { azCount: s.azCount, vpcCidr: s.vpcCidr, natGateways: s.natGateways },
    dns: { domainName: s.domainName, hostedZoneName: s.hostedZoneName },
    database: {
      instanceClass: s.dbInstanceClass,
      engineVersion: s.dbEngineVersion,
      allocatedStorageGb: s.dbAllocatedStorageGb,
      maxAllocatedStorageGb: s.dbMaxAllocatedStorageGb,
      multiAz: s.dbMultiAz,
      backupRetentionDays: s.dbBackupRetentionDays,
      deletionProtection: s.dbDeletionProtection,
      replicateBackupsToDr: s.dbReplicateBackupsToDr,
    },
    cache: {
      nodeType: s.redisNodeType,
      engineVersion: s.redisEngineVersion,
      replicaCount: s.redisReplicaCount,
      snapshotRetentionDays: s.redisSnapshotRetentionDays,
    },
    service: {
      cpu: s.serviceCpu,
      memoryMb: s.serviceMemoryMb,
      minTasks: s.serviceMinTasks,
      maxTasks: s.serviceMaxTasks,
      port: s.servicePort,
      shutdownTimeoutMs: s.serviceShutdownTimeoutMs,
    },
    deployment: {
      strategy: s.deploymentStrategy,
      canaryPercent: s.canaryPercent,
      linearStepPercent: s.linearStepPercent,
      bakeMinutes: s.deploymentBakeMinutes,
      alarm5xxRatePercent: s.alarm5xxRatePercent,
      alarmP99LatencyMs: s.alarmP99LatencyMs,
    },
    compute: {
      platform: s.computePlatform,
      migrateTo: s.computeMigrateTo,
      eks: {
        kubernetesVersion: s.eksKubernetesVersion,
        supportType: s.eksSupportType,
        nodePools: [...s.eksNodePools],
        endpointPublicAccess: s.eksEndpointPublicAccess,
        publicAccessCidrs: [...s.eksPublicAccessCidrs],
      },
      lambda: {
        memoryMb: s.lambdaMemoryMb,
        timeoutSeconds: s.lambdaTimeoutSeconds,
        reservedConcurrency: s.lambdaReservedConcurrency,
        throttle: { ratePerSecond: s.apiThrottleRatePerSecond, burst: s.apiThrottleBurst },
      },
    },
    mesh: { mode: s.meshMode, mtls: s.meshMtls, routes: s.meshRoutes.map(parseMeshRoute) },
    waf: { rateLimitPer5Min: s.wafRateLimitPer5Min },
    oidc: { issuer: s.oidcIssuer, audience: s.oidcAudience, rolesClaim: s.oidcRolesClaim },
    logRetentionDays: s.logRetentionDays,
    alertEmails: [...s.alertEmails],
    tags: {
      ...extra,
      Environment: name,
      ...(recoveryOf === undefined ? {} : { RecoveryOf: recoveryOf }),
      Owner: s.owner,
      CostCenter: s.costCenter,
      ManagedBy: "pulumi",
    },
  });
}

function deepFreeze<T>(value: T): T {
  if (value && typeof value === "object") {
    for (const child of Object.values(value)) deepFreeze(child);
    Object.freeze(value);
  }
  return value;
}

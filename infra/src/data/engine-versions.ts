/**
 * Engine versions and the parameter-group families that follow from them. RDS and ElastiCache reject a
 * parameter group whose family does not match the engine, so the family is derived, never written twice.
 */

/**
 * The PostgreSQL major version of "16.4" is "16". RDS is given only the major version: with automatic minor
 * upgrades on, a pinned minor version would show as drift after AWS upgrades the instance, and the next
 * `pulumi up` would try (and fail) to downgrade it. The environment's minor version is the one RDS starts
 * from when it is the default for that major version; later minors arrive in the maintenance window.
 */
export function postgresMajorVersion(engineVersion: string): string {
  const match = /^(\d+)(?:\.\d+)?$/.exec(engineVersion.trim());
  const major = match ? Number(match[1]) : NaN;
  if (!match || major < 11) {
    throw new Error(`dbEngineVersion "${engineVersion}" is not a PostgreSQL version RDS offers: write major.minor, e.g. "16.4" (major 11 or later).`);
  }
  return String(major);
}

/** RDS parameter-group family, e.g. postgres16. */
export function postgresParameterFamily(engineVersion: string): string {
  return `postgres${postgresMajorVersion(engineVersion)}`;
}

/** ElastiCache parameter-group family for Redis OSS: redis7 for 7.x, redis6.x for 6.x. */
export function redisParameterFamily(engineVersion: string): string {
  const match = /^(\d+)\.(\d+)$/.exec(engineVersion.trim());
  const major = match ? Number(match[1]) : NaN;
  if (!match || major < 6) {
    throw new Error(
      `redisEngineVersion "${engineVersion}" is not supported: write major.minor, e.g. "7.1" (Redis OSS 6.x or 7.x; ` +
        `AUTH with in-transit encryption needs 6 or later).`,
    );
  }
  return major === 6 ? "redis6.x" : `redis${major}`;
}

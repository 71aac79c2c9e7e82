import type { Settings } from "./schema";

/** A recovery environment is named after the environment it restores: prod -> prod-dr. */
export const RECOVERY_SUFFIX = "-dr";

/** The recovery environment's name for an environment. */
export function recoveryEnvironmentName(source: string): string {
  return `${source}${RECOVERY_SUFFIX}`;
}

/** The environment a recovery environment's name restores ("prod-dr" -> "prod"); undefined for any other name. */
export function recoverySourceName(name: string): string | undefined {
  return name.endsWith(RECOVERY_SUFFIX) && name.length > RECOVERY_SUFFIX.length ? name.slice(0, -RECOVERY_SUFFIX.length) : undefined;
}

/** Host name the recovery environment serves on until a cutover: dr.<domain>, inside the same hosted zone. */
export function recoveryDomainName(domainName: string): string {
  return `dr.${domainName}`;
}

/**
 * The host name of the environment a recovery environment restores, from the recovery environment's own
 * (the inverse of recoveryDomainName): what `devctl dr cutover` moves to it.
 */
export function recoveredDomainName(recoveryDomain: string): string {
  const prefix = recoveryDomainName("");
  if (!recoveryDomain.startsWith(prefix) || recoveryDomain.length === prefix.length) {
    throw new Error(`${recoveryDomain} is not a recovery environment's host name (${prefix}<domain>)`);
  }
  return recoveryDomain.slice(prefix.length);
}

/**
 * The settings of <env>-dr, derived from the environment's own (there is no file to keep in step): the same
 * sizes and protections, running in the environment's drRegion, where its backups and image are replicated.
 * It keeps no DR copies of its own (it is the copy) and serves on its own host name until traffic moves.
 */
export function recoverySettings(source: Settings): Settings {
  return {
    ...source,
    awsRegion: source.drRegion,
    drRegion: source.awsRegion,
    domainName: recoveryDomainName(source.domainName),
    dbReplicateBackupsToDr: false,
  };
}

/**
 * Whether what a stack writes to (log buckets, the load balancer) survives its destroy: production's does, so
 * a mistaken destroy fails instead of losing logs; a restore drill's disposable copy (`devctl dr drill`) never
 * takes traffic and must come down even after its smoke run has written logs.
 */
export function keptOnDestroy(target: { readonly isProduction: boolean; readonly disposable?: boolean | undefined }): boolean {
  return target.isProduction && target.disposable !== true;
}

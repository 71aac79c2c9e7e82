export const ROLES = ["viewer", "deployer", "admin"] as const;
export type Role = (typeof ROLES)[number];

const RANK: Record<Role, number> = { viewer: 1, deployer: 2, admin: 3 };

export function isRole(value: unknown): value is Role {
  return typeof value === "string" && (ROLES as readonly string[]).includes(value);
}

/** Roles are ordered: an admin may do everything a deployer may, a deployer everything a viewer may. */
export function hasRole(actual: Role, required: Role): boolean {
  return RANK[actual] >= RANK[required];
}

/** The strongest known role among several (an identity provider may send a list). */
export function strongestRole(values: readonly unknown[]): Role | undefined {
  let best: Role | undefined;
  for (const value of values) if (isRole(value) && (best === undefined || RANK[value] > RANK[best])) best = value;
  return best;
}

export interface Principal {
  /** Stable identity used for rate limiting and idempotency scoping. */
  readonly id: string;
  /** Recorded as a release's actor. */
  readonly actor: string;
  readonly role: Role;
  readonly kind: "api-key" | "oidc";
}

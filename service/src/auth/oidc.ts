import { errors as joseErrors, jwtVerify, type JWTPayload } from "jose";
import { type OidcConfig } from "../config";
import { DependencyUnavailableError } from "../errors";
import { strongestRole, type Principal } from "./roles";
import { SigningKeys } from "./signing-keys";

/** Reads a claim by its exact name first (URLs contain dots), then as a dotted path (`realm_access.roles`). */
export function readClaim(payload: JWTPayload, claim: string): unknown {
  if (claim in payload) return payload[claim];
  let value: unknown = payload;
  for (const part of claim.split(".")) {
    if (typeof value !== "object" || value === null || !(part in value)) return undefined;
    value = (value as Record<string, unknown>)[part];
  }
  return value;
}

// Asymmetric algorithms only: the identity provider signs, we verify with its public keys.
const ALGORITHMS = ["RS256", "RS384", "RS512", "PS256", "PS384", "PS512", "ES256", "ES384", "ES512", "EdDSA"];
const CLOCK_TOLERANCE_S = 5;
const FETCH_TIMEOUT_MS = 3_000;
// jose's own defaults for a remote key set: refresh after 10 min, refetch for an unknown key at most every 30 s.
const KEYS_MAX_AGE_MS = 10 * 60_000;
const KEYS_COOLDOWN_MS = 30_000;

export type OidcResult = { principal: Principal } | { error: "invalid" | "no-role"; reason: string };

export function createOidcVerifier(config: OidcConfig, options: { fetch?: typeof fetch; log?: (error: unknown) => void } = {}) {
  const fetchImpl = options.fetch ?? fetch;
  let jwksUrl: Promise<URL> | undefined;

  // Discovery is lazy and retried: an identity provider that is down at boot must not keep the service down.
  async function discover(): Promise<URL> {
    if (config.jwksUrl !== undefined) return new URL(config.jwksUrl);
    const response = await fetchImpl(new URL(".well-known/openid-configuration", config.issuer.endsWith("/") ? config.issuer : `${config.issuer}/`), {
      signal: AbortSignal.timeout(FETCH_TIMEOUT_MS),
    });
    if (!response.ok) throw new Error(`OIDC discovery returned ${response.status}`);
    const document = (await response.json()) as { jwks_uri?: unknown };
    if (typeof document.jwks_uri !== "string") throw new Error("OIDC discovery document has no jwks_uri");
    return new URL(document.jwks_uri);
  }

  const keys = new SigningKeys({
    jwksUrl: () =>
      (jwksUrl ??= discover().catch((error: unknown) => {
        jwksUrl = undefined;
        throw error;
      })),
    fetch: fetchImpl,
    maxAgeMs: KEYS_MAX_AGE_MS,
    cooldownMs: KEYS_COOLDOWN_MS,
    timeoutMs: FETCH_TIMEOUT_MS,
    onRefreshFailed: options.log ?? (() => undefined),
  });

  return async function verify(token: string): Promise<OidcResult> {
    try {
      const { payload } = await jwtVerify(token, keys.getKey, {
        issuer: config.issuer,
        audience: config.audience,
        algorithms: ALGORITHMS,
        // Without exp a stolen token never dies; without sub every such token would share one principal
        // (one rate limit, one idempotency scope).
        requiredClaims: ["exp", "sub"],
        clockTolerance: CLOCK_TOLERANCE_S,
      });
      const subject = payload.sub;
      if (typeof subject !== "string" || subject === "") return { error: "invalid", reason: "the token has no subject (sub)" };
      if (typeof payload.iat === "number" && payload.iat > Date.now() / 1000 + CLOCK_TOLERANCE_S) {
        return { error: "invalid", reason: "the token's issued-at (iat) is in the future" };
      }
      const raw = readClaim(payload, config.rolesClaim);
      const role = strongestRole(Array.isArray(raw) ? raw : typeof raw === "string" ? raw.split(/[\s,]+/) : []);
      if (!role) return { error: "no-role", reason: `the token's "${config.rolesClaim}" claim grants none of viewer, deployer, admin` };
      // An unverified email is whatever the user typed: it must not become the audit trail's name.
      const name = typeof payload.email === "string" && payload.email_verified === true ? payload.email : subject;
      return { principal: { id: `oidc:${subject}`, actor: `user:${name}`, role, kind: "oidc" } };
    } catch (error) {
      if (error instanceof DependencyUnavailableError) throw error;
      if (!(error instanceof joseErrors.JOSEError)) {
        throw new DependencyUnavailableError("the identity provider did not answer in time; retry shortly", { cause: error });
      }
      if (error instanceof joseErrors.JWTExpired) return { error: "invalid", reason: "the token has expired" };
      if (error instanceof joseErrors.JWTClaimValidationFailed && error.reason === "missing") {
        return { error: "invalid", reason: `the token has no "${error.claim}" claim` };
      }
      return { error: "invalid", reason: "the token is not valid for this service" };
    }
  };
}

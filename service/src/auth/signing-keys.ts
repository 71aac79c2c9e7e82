import { createLocalJWKSet, errors as joseErrors, type JSONWebKeySet, type JWTVerifyGetKey } from "jose";
import { DependencyUnavailableError } from "../errors";

export interface SigningKeysOptions {
  /** Where the key set is: an explicit URL, or found through discovery (called again until it works). */
  readonly jwksUrl: () => Promise<URL>;
  readonly fetch: typeof fetch;
  /** Past this age the key set is refreshed in the background; it stays in use meanwhile. */
  readonly maxAgeMs: number;
  /** A token signed by an unknown key refetches at once (key rotation), but at most this often. */
  readonly cooldownMs: number;
  readonly timeoutMs: number;
  readonly onRefreshFailed: (error: unknown) => void;
}

type GetKeyArgs = Parameters<JWTVerifyGetKey>;

/**
 * The identity provider's signing keys, kept in memory: the last good set is used for as long as the
 * provider cannot give a new one. Callers wait for the provider only when no key they hold can verify the
 * token (none fetched yet, or a key id not seen before); then a failure is a 503, not a 401.
 */
export class SigningKeys {
  private current: { getKey: ReturnType<typeof createLocalJWKSet>; fetchedAt: number } | undefined;
  private refreshing: Promise<void> | undefined;
  private lastAttempt = 0;

  constructor(private readonly options: SigningKeysOptions) {}

  /** For jwtVerify. */
  readonly getKey = async (...[header, token]: GetKeyArgs) => {
    if (!this.current) await this.refreshOrUnavailable();
    else if (Date.now() - this.current.fetchedAt > this.options.maxAgeMs) this.refreshInBackground();
    try {
      return await this.current!.getKey(header, token);
    } catch (error) {
      if (!(error instanceof joseErrors.JWKSNoMatchingKey) || Date.now() - this.lastAttempt < this.options.cooldownMs) throw error;
      await this.refreshOrUnavailable();
      return this.current!.getKey(header, token);
    }
  };

  private refreshInBackground(): void {
    if (Date.now() - this.lastAttempt < this.options.cooldownMs) return;
    this.refresh().catch(this.options.onRefreshFailed);
  }

  private async refreshOrUnavailable(): Promise<void> {
    try {
      await this.refresh();
    } catch (error) {
      throw new DependencyUnavailableError("the identity provider's signing keys could not be fetched; retry shortly", { cause: error });
    }
  }

  /** One fetch at a time, shared by every caller that asks meanwhile. */
  private refresh(): Promise<void> {
    this.refreshing ??= (async () => {
      this.lastAttempt = Date.now();
      try {
        const response = await this.options.fetch(await this.options.jwksUrl(), { signal: AbortSignal.timeout(this.options.timeoutMs) });
        if (!response.ok) throw new Error(`the JWKS endpoint answered ${response.status}`);
        const jwks = (await response.json()) as JSONWebKeySet;
        if (!Array.isArray(jwks.keys)) throw new Error("the JWKS document has no keys array");
        this.current = { getKey: createLocalJWKSet(jwks), fetchedAt: Date.now() };
      } finally {
        this.refreshing = undefined;
      }
    })();
    return this.refreshing;
  }
}

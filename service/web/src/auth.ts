import * as oauth from "oauth4webapi";
import { type OidcSettings } from "./settings";

export interface Session {
  accessToken: string;
  name: string;
}

export type AuthState = { kind: "signed-in"; session: Session } | { kind: "signed-out"; reason?: string } | { kind: "working" };

// Only the PKCE verifier, state and nonce survive the redirect to the issuer, in sessionStorage; they are useless
// without the one-time code. Tokens live in this module's memory only: never in storage, cookies or URLs.
const PENDING = "ledger:sign-in";
// "This tab was signed in": on a reload the page asks the issuer again with prompt=none instead of showing the button.
const WAS_SIGNED_IN = "ledger:was-signed-in";

const redirectUri = () => `${location.origin}/`;

/** Plain HTTP is allowed only for an issuer on this machine (the development provider). */
function httpOptions(issuer: URL) {
  const loopback = ["127.0.0.1", "localhost", "[::1]"].includes(issuer.hostname);
  return { [oauth.allowInsecureRequests]: issuer.protocol === "http:" && loopback };
}

export class OidcClient {
  private server?: oauth.AuthorizationServer;
  private refreshToken?: string;
  private refreshTimer?: ReturnType<typeof setTimeout>;
  private readonly client: oauth.Client;
  private readonly issuer: URL;
  state: AuthState = { kind: "working" };
  onChange: (state: AuthState) => void = () => undefined;

  constructor(private readonly settings: OidcSettings) {
    this.client = { client_id: settings.clientId };
    this.issuer = new URL(settings.issuer);
  }

  private set(state: AuthState) {
    this.state = state;
    this.onChange(state);
  }

  private async discover(): Promise<oauth.AuthorizationServer> {
    if (this.server) return this.server;
    const response = await oauth.discoveryRequest(this.issuer, { algorithm: "oidc", ...httpOptions(this.issuer) });
    this.server = await oauth.processDiscoveryResponse(this.issuer, response);
    return this.server;
  }

  /** On page load: finish a sign-in coming back from the issuer, or quietly resume one, or show signed-out. */
  async start(): Promise<void> {
    const url = new URL(location.href);
    const pending = sessionStorage.getItem(PENDING);
    if (pending && (url.searchParams.has("code") || url.searchParams.has("error"))) {
      sessionStorage.removeItem(PENDING);
      // The code is single-use, but it should not linger in the address bar or history either.
      history.replaceState(null, "", `/${url.hash}`);
      try {
        await this.complete(url, JSON.parse(pending) as { verifier: string; state: string; nonce: string });
      } catch (error) {
        sessionStorage.removeItem(WAS_SIGNED_IN);
        const silent =
          error instanceof oauth.AuthorizationResponseError && ["login_required", "interaction_required", "consent_required"].includes(error.error);
        this.set({ kind: "signed-out", ...(silent ? {} : { reason: `Sign-in failed: ${describe(error)}` }) });
      }
      return;
    }
    if (sessionStorage.getItem(WAS_SIGNED_IN)) return this.signIn("none");
    this.set({ kind: "signed-out" });
  }

  async signIn(prompt?: "none"): Promise<void> {
    this.set({ kind: "working" });
    const server = await this.discover();
    if (!server.authorization_endpoint) throw new Error("the issuer publishes no authorization endpoint");
    const verifier = oauth.generateRandomCodeVerifier();
    const state = oauth.generateRandomState();
    const nonce = oauth.generateRandomNonce();
    sessionStorage.setItem(PENDING, JSON.stringify({ verifier, state, nonce }));
    const target = new URL(server.authorization_endpoint);
    target.search = new URLSearchParams({
      client_id: this.client.client_id,
      redirect_uri: redirectUri(),
      response_type: "code",
      scope: this.settings.scopes,
      code_challenge: await oauth.calculatePKCECodeChallenge(verifier),
      code_challenge_method: "S256",
      state,
      nonce,
      ...(prompt ? { prompt } : {}),
    }).toString();
    location.assign(target.href);
  }

  private async complete(url: URL, pending: { verifier: string; state: string; nonce: string }) {
    const server = await this.discover();
    const params = oauth.validateAuthResponse(server, this.client, url, pending.state);
    const response = await oauth.authorizationCodeGrantRequest(
      server,
      this.client,
      oauth.None(),
      params,
      redirectUri(),
      pending.verifier,
      httpOptions(this.issuer),
    );
    const tokens = await oauth.processAuthorizationCodeResponse(server, this.client, response, { expectedNonce: pending.nonce, requireIdToken: true });
    const claims = oauth.getValidatedIdTokenClaims(tokens);
    const name = typeof claims?.email === "string" ? claims.email : typeof claims?.name === "string" ? claims.name : (claims?.sub ?? "signed in");
    this.accept(tokens, name);
    sessionStorage.setItem(WAS_SIGNED_IN, "1");
  }

  private accept(tokens: oauth.TokenEndpointResponse, name: string) {
    if (tokens.refresh_token) this.refreshToken = tokens.refresh_token;
    this.set({ kind: "signed-in", session: { accessToken: tokens.access_token, name } });
    clearTimeout(this.refreshTimer);
    if (tokens.expires_in !== undefined) {
      // Renew a little before expiry; without a refresh token, say plainly that the session ended.
      const inMs = Math.max(5, tokens.expires_in - 30) * 1000;
      this.refreshTimer = setTimeout(() => void this.renew(name), inMs);
    }
  }

  private async renew(name: string) {
    if (!this.refreshToken) return this.expire("Your session ended. Sign in again to continue.");
    try {
      const server = await this.discover();
      const response = await oauth.refreshTokenGrantRequest(server, this.client, oauth.None(), this.refreshToken, httpOptions(this.issuer));
      this.accept(await oauth.processRefreshTokenResponse(server, this.client, response), name);
    } catch (error) {
      this.expire(`Your session could not be renewed (${describe(error)}). Sign in again to continue.`);
    }
  }

  /** The API refused the token (revoked, expired early): forget it and say so. */
  expire(reason: string) {
    clearTimeout(this.refreshTimer);
    this.refreshToken = undefined;
    sessionStorage.removeItem(WAS_SIGNED_IN);
    this.set({ kind: "signed-out", reason });
  }

  async signOut(): Promise<void> {
    clearTimeout(this.refreshTimer);
    sessionStorage.removeItem(WAS_SIGNED_IN);
    const server = await this.discover().catch(() => undefined);
    const refreshToken = this.refreshToken;
    this.refreshToken = undefined;
    this.set({ kind: "signed-out", reason: "You signed out." });
    if (server?.revocation_endpoint && refreshToken) {
      await oauth.revocationRequest(server, this.client, oauth.None(), refreshToken, httpOptions(this.issuer)).catch(() => undefined);
    }
    if (server?.end_session_endpoint) {
      // End the issuer's session too, or "Sign in" would silently sign the same person in again. No id_token_hint:
      // it would put a token in a URL; client_id identifies the page instead.
      const target = new URL(server.end_session_endpoint);
      target.search = new URLSearchParams({ client_id: this.client.client_id, post_logout_redirect_uri: redirectUri() }).toString();
      location.assign(target.href);
    }
  }
}

export function describe(error: unknown): string {
  if (error instanceof oauth.AuthorizationResponseError) return `${error.error}${error.error_description ? `: ${error.error_description}` : ""}`;
  if (error instanceof oauth.ResponseBodyError) return `${error.error}${error.error_description ? `: ${error.error_description}` : ""}`;
  return error instanceof Error ? error.message : String(error);
}

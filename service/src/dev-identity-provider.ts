import { generateKeyPairSync, randomBytes } from "node:crypto";
import { createServer, type Server } from "node:http";
import { type AddressInfo } from "node:net";
import { isRole, type Role } from "./auth/roles";

export interface DevIdentityProviderOptions {
  /** 0 picks a free port. */
  readonly port: number;
  /** The page's origins (127.0.0.1 and localhost are different origins): redirect URIs and where sign-out returns. */
  readonly pageUrls: readonly string[];
  readonly clientId: string;
  readonly audience: string;
  /** Access token lifetime; tests shorten it to see the page renew its token. Default 300. */
  readonly accessTokenTtlSeconds?: number;
}

export interface DevIdentityProvider {
  readonly issuer: string;
  close(): Promise<void>;
}

/** The user name is the role: `admin`, `deployer` or `viewer`; any other name signs in as a viewer. */
export const devRoleOf = (login: string): Role => (isRole(login) ? login : "viewer");

const devEmailOf = (login: string) => `${login}@dev.localhost`;

/** The resource server scope the dev provider grants; the page asks for it on top of the OIDC scopes. */
export const DEV_API_SCOPE = "ledger";

/**
 * A real OpenID Provider (oidc-provider) on loopback for `dev` and the browser tests: authorization code + PKCE,
 * JWT access tokens for `audience` carrying a `roles` claim, refresh tokens, sign-out. Any password is accepted, so it
 * only ever runs on a developer's machine (DEV_SIGN_IN is refused anywhere else).
 */
export async function startDevIdentityProvider(options: DevIdentityProviderOptions): Promise<DevIdentityProvider> {
  // A development dependency, ESM-only: loaded only here, never in the image.
  const { default: Provider } = await import("oidc-provider");
  const server: Server = createServer();
  await new Promise<void>((resolve) => server.listen(options.port, "127.0.0.1", resolve));
  const issuer = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  const signingKey = generateKeyPairSync("rsa", { modulusLength: 2048 }).privateKey.export({ format: "jwk" });
  const redirects = options.pageUrls.map((url) => `${url.replace(/\/$/, "")}/`);

  const provider = new Provider(issuer, {
    clients: [
      {
        client_id: options.clientId,
        token_endpoint_auth_method: "none",
        redirect_uris: redirects,
        post_logout_redirect_uris: redirects,
        grant_types: ["authorization_code", "refresh_token"],
        response_types: ["code"],
      },
    ],
    jwks: { keys: [{ ...signingKey, kid: "dev", alg: "RS256", use: "sig" }] },
    cookies: { keys: [randomBytes(32).toString("hex")] },
    claims: { openid: ["sub"], email: ["email", "email_verified"], profile: ["name"] },
    conformIdTokenClaims: false,
    // Explicit lifetimes (seconds), which also keeps the provider from printing a notice for each default it uses.
    ttl: {
      AccessToken: options.accessTokenTtlSeconds ?? 300,
      AuthorizationCode: 60,
      IdToken: 3_600,
      RefreshToken: 8 * 3_600,
      Grant: 8 * 3_600,
      Session: 8 * 3_600,
      Interaction: 600,
    },
    findAccount: (_ctx, sub) => ({ accountId: sub, claims: () => ({ sub, email: devEmailOf(sub), email_verified: true, name: sub }) }),
    // The page calls the token endpoint from its own origin.
    clientBasedCORS: () => true,
    features: {
      devInteractions: { enabled: true },
      resourceIndicators: {
        enabled: true,
        defaultResource: () => options.audience,
        useGrantedResource: () => true,
        getResourceServerInfo: () => ({
          scope: DEV_API_SCOPE,
          audience: options.audience,
          accessTokenFormat: "jwt",
          accessTokenTTL: options.accessTokenTtlSeconds ?? 300,
        }),
      },
    },
    // The ledger reads the role from `roles` and records `email` as the actor of what this person changes — only a
    // verified one, and this provider owns the dev addresses it hands out.
    extraTokenClaims: (_ctx, token) =>
      token.kind === "AccessToken" && token.accountId
        ? { roles: [devRoleOf(token.accountId)], email: devEmailOf(token.accountId), email_verified: true }
        : undefined,
    // The page renews its access token with a refresh token. OIDC drops `offline_access` without a consent prompt,
    // which this provider never shows, so refresh tokens are tied to the client's grant types instead.
    issueRefreshToken: (_ctx, client) => client.grantTypeAllowed("refresh_token"),
    // No consent screen: a developer signing in to their own laptop has nothing to consent to.
    loadExistingGrant: async (ctx) => {
      const session = ctx.oidc.session;
      const client = ctx.oidc.client;
      if (!session?.accountId || !client) return undefined;
      const grant = new ctx.oidc.provider.Grant({ clientId: client.clientId, accountId: session.accountId });
      grant.addOIDCScope("openid profile email offline_access");
      grant.addResourceScope(options.audience, DEV_API_SCOPE);
      await grant.save();
      return grant;
    },
    renderError: (ctx, out) => {
      ctx.type = "text/plain; charset=utf-8";
      ctx.body = `${out.error}: ${out.error_description ?? ""}\n`;
    },
  });
  // The provider's own warnings about development interactions are for production deployments; this is not one.
  provider.on("server_error", (_ctx, error) => process.stderr.write(`dev identity provider: ${error.message}\n`));
  const handle = provider.callback();
  server.on("request", (req, res) => void handle(req, res));
  return {
    issuer,
    close: () =>
      new Promise<void>((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}

/**
 * For `dev` without an issuer: starts the provider and returns the settings that point the service and the page at it.
 * The caller still passes them through loadConfig, which refuses DEV_SIGN_IN anywhere but a laptop.
 */
export async function startDevSignIn(port: number, servicePort: number): Promise<{ env: Record<string, string>; close: () => Promise<void> }> {
  const clientId = "ledger-dev-page";
  const audience = "urn:release-ledger:dev";
  const provider = await startDevIdentityProvider({
    port,
    pageUrls: [`http://127.0.0.1:${servicePort}`, `http://localhost:${servicePort}`],
    clientId,
    audience,
  });
  return {
    env: {
      DEV_SIGN_IN: "true",
      OIDC_ISSUER: provider.issuer,
      OIDC_AUDIENCE: audience,
      OIDC_WEB_CLIENT_ID: clientId,
      OIDC_WEB_SCOPES: `openid profile email offline_access ${DEV_API_SCOPE}`,
    },
    close: () => provider.close(),
  };
}

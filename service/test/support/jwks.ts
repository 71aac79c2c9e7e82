import { createServer, type Server } from "node:http";
import { type AddressInfo } from "node:net";
import { exportJWK, generateKeyPair, SignJWT, type JWTPayload } from "jose";

export interface SignOptions {
  audience?: string;
  expiresIn?: string;
  foreignKey?: boolean;
  /** Leave the claim out of the token entirely. */
  omit?: readonly ("exp" | "iat")[];
  /** `iat` in seconds since the epoch (default: now). */
  issuedAt?: number;
}

/**
 * A real OIDC issuer on loopback: discovery document and JWKS over HTTP, and a way to sign tokens.
 * `jwks` sets how the JWKS endpoint behaves from now on, to play an identity provider that fails or hangs.
 */
export async function startIssuer(): Promise<{
  issuer: string;
  sign: (claims: JWTPayload, options?: SignOptions) => Promise<string>;
  jwks: (mode: "ok" | "error" | "hang") => void;
  jwksFetches: () => number;
  close: () => Promise<void>;
}> {
  const { privateKey, publicKey } = await generateKeyPair("ES256");
  const foreign = await generateKeyPair("ES256");
  const jwk = { ...(await exportJWK(publicKey)), kid: "test-key", alg: "ES256", use: "sig" };
  let issuer = "";
  let mode: "ok" | "error" | "hang" = "ok";
  let fetches = 0;
  const server: Server = createServer((req, res) => {
    res.setHeader("content-type", "application/json");
    if (req.url === "/.well-known/openid-configuration") res.end(JSON.stringify({ issuer, jwks_uri: `${issuer}/jwks` }));
    else if (req.url === "/jwks") {
      fetches++;
      if (mode === "ok") res.end(JSON.stringify({ keys: [jwk] }));
      else if (mode === "error") res.writeHead(503).end("{}");
      // "hang": never answer; closeAllConnections ends it on close.
    } else res.writeHead(404).end("{}");
  });
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  issuer = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  return {
    issuer,
    sign: (claims, options = {}) => {
      const token = new SignJWT(claims)
        .setProtectedHeader({ alg: "ES256", kid: "test-key" })
        .setIssuer(issuer)
        .setAudience(options.audience ?? "release-ledger");
      if (!options.omit?.includes("iat")) token.setIssuedAt(options.issuedAt);
      if (!options.omit?.includes("exp")) token.setExpirationTime(options.expiresIn ?? "5m");
      return token.sign(options.foreignKey ? foreign.privateKey : privateKey);
    },
    jwks: (next) => {
      mode = next;
    },
    jwksFetches: () => fetches,
    close: () =>
      new Promise((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}

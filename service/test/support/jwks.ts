import { createServer, type Server } from "node:http";
import { type AddressInfo } from "node:net";
import { exportJWK, generateKeyPair, SignJWT, type JWTPayload } from "jose";

/** A real OIDC issuer on loopback: discovery document and JWKS over HTTP, and a way to sign tokens. */
export async function startIssuer(): Promise<{
  issuer: string;
  sign: (claims: JWTPayload, options?: { audience?: string; expiresIn?: string; foreignKey?: boolean }) => Promise<string>;
  close: () => Promise<void>;
}> {
  const { privateKey, publicKey } = await generateKeyPair("ES256");
  const foreign = await generateKeyPair("ES256");
  const jwk = { ...(await exportJWK(publicKey)), kid: "test-key", alg: "ES256", use: "sig" };
  let issuer = "";
  const server: Server = createServer((req, res) => {
    res.setHeader("content-type", "application/json");
    if (req.url === "/.well-known/openid-configuration") res.end(JSON.stringify({ issuer, jwks_uri: `${issuer}/jwks` }));
    else if (req.url === "/jwks") res.end(JSON.stringify({ keys: [jwk] }));
    else res.writeHead(404).end("{}");
  });
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  issuer = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  return {
    issuer,
    sign: (claims, options = {}) =>
      new SignJWT(claims)
        .setProtectedHeader({ alg: "ES256", kid: "test-key" })
        .setIssuer(issuer)
        .setAudience(options.audience ?? "release-ledger")
        .setIssuedAt()
        .setExpirationTime(options.expiresIn ?? "5m")
        .sign(options.foreignKey ? foreign.privateKey : privateKey),
    close: () => new Promise((resolve) => server.close(() => resolve())),
  };
}

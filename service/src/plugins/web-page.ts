import { readFile, readdir } from "node:fs/promises";
import { join } from "node:path";
import { brotliCompressSync, gzipSync } from "node:zlib";
import { type FastifyReply, type FastifyRequest } from "fastify";
import fp from "fastify-plugin";
import { type Config } from "../config";

export interface WebPageOptions {
  config: Config;
  /** The built page (`web/build.mjs` writes it); defaults to dist/web beside the compiled service. */
  assetsDir?: string;
}

/** What the page needs to know before anyone signs in; all of it is public. */
export interface PageSettings {
  environment: string;
  signIn: { kind: "oidc"; issuer: string; clientId: string; scopes: string; devSignIn: boolean } | { kind: "not-configured"; missing: string[] };
}

export function pageSettings(config: Config): PageSettings {
  const { oidc, web } = config;
  const missing = [...(oidc ? [] : ["OIDC_ISSUER", "OIDC_AUDIENCE"]), ...(web.clientId ? [] : ["OIDC_WEB_CLIENT_ID"])];
  return {
    environment: config.environment,
    signIn:
      oidc && web.clientId
        ? { kind: "oidc", issuer: oidc.issuer, clientId: web.clientId, scopes: web.scopes, devSignIn: web.devSignIn }
        : { kind: "not-configured", missing },
  };
}

/**
 * No inline script or style anywhere, so the policy needs no hashes or nonces. The page talks to this origin and to the
 * issuer (discovery and token endpoints); it never embeds or is embedded.
 */
export function contentSecurityPolicy(config: Config): string {
  const issuerOrigin = config.oidc ? ` ${new URL(config.oidc.issuer).origin}` : "";
  return [
    "default-src 'none'",
    "script-src 'self'",
    "style-src 'self'",
    "img-src 'self' data:",
    `connect-src 'self'${issuerOrigin}`,
    "base-uri 'none'",
    "form-action 'none'",
    "frame-ancestors 'none'",
  ].join("; ");
}

type Encoding = "br" | "gzip";

/** A file of the page, with its compressed forms: from the build when it made them, else made on first request. */
class Asset {
  private readonly compressed: Partial<Record<Encoding, Buffer>>;

  constructor(
    readonly type: string,
    readonly body: Buffer,
    readonly cacheControl: string,
    built: Partial<Record<Encoding, Buffer>> = {},
  ) {
    this.compressed = { ...built };
  }

  encoded(encoding: Encoding): Buffer {
    return (this.compressed[encoding] ??= encoding === "br" ? brotliCompressSync(this.body) : gzipSync(this.body, { level: 9 }));
  }
}

const TYPES: Record<string, string> = {
  ".js": "text/javascript; charset=utf-8",
  ".css": "text/css; charset=utf-8",
  ".html": "text/html; charset=utf-8",
  ".json": "application/json; charset=utf-8",
};

function send(request: FastifyRequest, reply: FastifyReply, file: Asset) {
  const accepted = request.headers["accept-encoding"] ?? "";
  reply.header("content-type", file.type).header("cache-control", file.cacheControl).header("vary", "accept-encoding");
  if (/\bbr\b/.test(accepted)) return reply.header("content-encoding", "br").send(file.encoded("br"));
  if (/\bgzip\b/.test(accepted)) return reply.header("content-encoding", "gzip").send(file.encoded("gzip"));
  return reply.send(file.body);
}

/** A compressed form `web/build.mjs` wrote beside the file, if any. */
async function builtForm(path: string): Promise<Buffer | undefined> {
  return readFile(path).catch(() => undefined);
}

async function loadAssets(dir: string): Promise<{ index: Buffer; files: Map<string, Asset> } | undefined> {
  let manifest: { script: string; style: string };
  try {
    manifest = JSON.parse(await readFile(join(dir, "manifest.json"), "utf8")) as typeof manifest;
  } catch {
    return undefined;
  }
  const files = new Map<string, Asset>();
  for (const name of await readdir(dir)) {
    const type = TYPES[name.slice(name.lastIndexOf("."))];
    if (type === undefined || name === "manifest.json") continue;
    const path = join(dir, name);
    const [body, br, gzip] = await Promise.all([readFile(path), builtForm(`${path}.br`), builtForm(`${path}.gz`)]);
    // File names carry a content hash: a new build is a new URL, so browsers may keep these forever.
    files.set(name, new Asset(type, body, "public, max-age=31536000, immutable", { ...(br && { br }), ...(gzip && { gzip }) }));
  }
  const index = Buffer.from(
    [
      "<!doctype html>",
      '<html lang="en">',
      "<head>",
      '<meta charset="utf-8">',
      '<meta name="viewport" content="width=device-width, initial-scale=1">',
      "<title>Release ledger</title>",
      '<link rel="icon" href="data:,">',
      `<link rel="stylesheet" href="/assets/${manifest.style}">`,
      `<script type="module" src="/assets/${manifest.script}"></script>`,
      "</head>",
      '<body><div id="app"><noscript>The release ledger page needs JavaScript.</noscript></div></body>',
      "</html>",
    ].join("\n"),
  );
  return { index, files };
}

/** The web page at `/`: one HTML shell, hashed assets from memory, and the public sign-in settings. */
export default fp(
  async (app, opts: WebPageOptions) => {
    const dir = opts.assetsDir ?? join(__dirname, "..", "web");
    const built = await loadAssets(dir);
    if (!built) app.log.warn({ dir }, "the web page is not built (run `pnpm --filter @platform/service build`); / explains this");
    const settings = pageSettings(opts.config);
    const csp = contentSecurityPolicy(opts.config);
    const index = built
      ? new Asset(TYPES[".html"]!, built.index, "no-cache")
      : new Asset(
          TYPES[".html"]!,
          Buffer.from("<!doctype html><title>Release ledger</title><p>The web page is not built: run <code>pnpm --filter @platform/service build</code>.</p>"),
          "no-store",
        );

    const pageHeaders = (reply: FastifyReply) =>
      reply
        .header("content-security-policy", csp)
        .header("x-frame-options", "DENY")
        .header("x-content-type-options", "nosniff")
        .header("referrer-policy", "no-referrer")
        .header("cross-origin-opener-policy", "same-origin");

    app.get("/", { schema: { hide: true } }, (request, reply) => send(request, pageHeaders(reply), index));

    app.get<{ Params: { name: string } }>("/assets/:name", { schema: { hide: true } }, (request, reply) => {
      const file = built?.files.get(request.params.name);
      if (!file) return reply.status(404).type("text/plain; charset=utf-8").send("no such asset\n");
      return send(request, pageHeaders(reply), file);
    });

    app.get("/ui/settings.json", { schema: { hide: true } }, (_request, reply) => pageHeaders(reply).header("cache-control", "no-cache").send(settings));
  },
  { name: "web-page" },
);

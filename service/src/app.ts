import { randomUUID } from "node:crypto";
import { type IncomingMessage } from "node:http";
import swagger from "@fastify/swagger";
import { type TypeBoxTypeProvider } from "@fastify/type-provider-typebox";
import Fastify, { LogController, type FastifyInstance, type FastifyServerOptions } from "fastify";
import fp from "fastify-plugin";
import { type Config } from "./config";
import { stdoutLog } from "./observability/log-stream";
import { type Metrics } from "./observability/metrics";
import { redactUrl } from "./observability/redact-url";
import apiKeysRepository from "./repositories/api-keys";
import dashboardRepository from "./repositories/dashboard";
import recoveryRepository from "./repositories/recovery";
import releasesRepository from "./repositories/releases";
import auth from "./plugins/auth";
import errors from "./plugins/errors";
import metricsPlugin from "./plugins/metrics";
import postgres from "./plugins/postgres";
import rateLimit from "./plugins/rate-limit";
import readAhead from "./plugins/read-ahead";
import redis from "./plugins/redis";
import webPage from "./plugins/web-page";
import apiKeyRoutes from "./routes/api-keys";
import dashboardRoutes from "./routes/dashboard";
import environmentRoutes from "./routes/environments";
import healthRoutes from "./routes/health";
import recoveryRoutes from "./routes/recovery";
import releaseRoutes from "./routes/releases";

export const BODY_LIMIT_BYTES = 64 * 1024;

export interface AppOptions {
  config: Config;
  /** Tests pass their own to read what would be emitted. */
  metrics?: Metrics;
  /** The built web page; defaults to dist/web (tests build it into a folder of their own). */
  webAssetsDir?: string;
}

/** The whole service as one plugin: connections, repositories, cross-cutting hooks, then routes. */
export const app = fp(
  async (instance: FastifyInstance, opts: AppOptions) => {
    const { config } = opts;
    // Callback hooks, not async ones, on every request: no promise each.
    instance.addHook("onRequest", (request, reply, done) => {
      reply.header("x-request-id", request.id);
      done();
    });
    drainOnClose(instance);
    await instance.register(errors);
    await instance.register(swagger, {
      openapi: {
        info: { title: "Release ledger", version: "1.0.0", description: "Every deployment of every service to every environment." },
        components: { securitySchemes: { bearer: { type: "http", scheme: "bearer", description: "API key (rlk_…) or OIDC JWT" } } },
        security: [{ bearer: [] }],
      },
    });
    await instance.register(metricsPlugin, { config, ...(opts.metrics ? { metrics: opts.metrics } : {}) });
    await instance.register(postgres, { config });
    await instance.register(redis, { config });
    await instance.register(apiKeysRepository);
    await instance.register(releasesRepository, { cacheTtlSeconds: config.cacheTtlSeconds, doraSnapshotMaxAgeSeconds: config.doraSnapshot.maxAgeSeconds });
    await instance.register(dashboardRepository);
    await instance.register(recoveryRepository);
    await instance.register(rateLimit, { config });
    await instance.register(readAhead);
    await instance.register(auth, { config });
    await instance.register(healthRoutes);
    await instance.register(
      async (v1) => {
        await v1.register(releaseRoutes);
        await v1.register(environmentRoutes);
        await v1.register(apiKeyRoutes);
        await v1.register(dashboardRoutes);
        await v1.register(recoveryRoutes);
      },
      { prefix: "/v1" },
    );
    await instance.register(webPage, { config, ...(opts.webAssetsDir ? { assetsDir: opts.webAssetsDir } : {}) });
    instance.get("/docs/json", { schema: { hide: true } }, () => instance.swagger());
  },
  { name: "release-ledger" },
);

/** How long connections and requests must have stopped arriving before a closing server stops listening. */
export const ARRIVALS_QUIET_MS = 25;
/** The longest a closing server keeps listening for arrivals, however busy. */
export const ARRIVALS_MAX_WAIT_MS = 1_000;

/**
 * Node's server.close() closes the connections idle at that moment only; a keep-alive connection whose
 * request was in flight becomes idle afterwards and would hold the process until keepAliveTimeout (65 s).
 * While closing, every response says `Connection: close`, and connections that went idle are closed as well.
 *
 * A request sent just before the signal can reach the process after it: under load the kernel may hand over a new
 * connection and its request a few milliseconds late. Stopping to listen at once would reset it, and a connection
 * not yet read counts as idle and would be closed unanswered. So the listener stays open until arrivals have been
 * quiet for ARRIVALS_QUIET_MS, and what arrives meanwhile is answered (`return503OnClosing: false`).
 */
function drainOnClose(instance: FastifyInstance): void {
  let closing = false;
  let reaper: NodeJS.Timeout | undefined;
  instance.addHook("preClose", async () => {
    closing = true;
    reaper = setInterval(() => instance.server.closeIdleConnections(), 100).unref();
    if (instance.server.listening) await arrivalsQuiet(instance.server);
  });
  instance.addHook("onSend", (_request, reply, payload, done) => {
    if (closing) reply.header("connection", "close");
    done(null, payload);
  });
  instance.addHook("onClose", (_instance, done) => {
    clearInterval(reaper);
    done();
  });
}

async function arrivalsQuiet(server: FastifyInstance["server"]): Promise<void> {
  const started = performance.now();
  let last = started;
  const arrived = () => (last = performance.now());
  server.on("connection", arrived).on("request", arrived);
  try {
    for (;;) {
      const wait = Math.min(last + ARRIVALS_QUIET_MS, started + ARRIVALS_MAX_WAIT_MS) - performance.now();
      if (wait <= 0) return;
      await new Promise((resolve) => setTimeout(resolve, wait));
    }
  } finally {
    server.off("connection", arrived).off("request", arrived);
  }
}

const trustNearest = (hops: number) => (_address: string, hop: number) => hop < hops;

// `=`, `+` and `/` for API Gateway's request ids (base64), so the request log and the access log share the id.
const REQUEST_ID = /^[A-Za-z0-9._:=+/-]{1,128}$/;

export function serverOptions(config: Config, logStream: { write(line: string): void } = stdoutLog): FastifyServerOptions {
  return {
    logger: {
      level: config.logLevel,
      redact: {
        // Explicit paths, no wildcards: redaction runs on every log line and wildcards cost a walk each time.
        paths: ["req.headers.authorization", "req.headers.cookie", "headers.authorization", "authorization", "key", "token", "password", "err.config.password"],
        censor: "[redacted]",
      },
      stream: logStream,
    },
    // One line per request from our own hook rather than two from Fastify's.
    logController: new LogController({ disableRequestLogging: true }),
    bodyLimit: BODY_LIMIT_BYTES,
    requestTimeout: config.requestTimeoutMs,
    // Longer than the load balancer's idle timeout (60 s), so the ALB closes idle connections, not us.
    keepAliveTimeout: 65_000,
    // Connections idle when shutdown starts are closed at once (the rest by drainOnClose).
    forceCloseConnections: "idle",
    // A request that reaches a closing server is answered, with `Connection: close` (see drainOnClose).
    return503OnClosing: false,
    // A hop count as a function: this Fastify ignores a plain number. Sound only because the service is
    // reachable solely through those proxies (the ALB's security group), so the nearest hops are theirs.
    trustProxy: typeof config.trustProxy === "number" ? trustNearest(config.trustProxy) : config.trustProxy,
    requestIdHeader: false,
    genReqId: (req: IncomingMessage) => {
      const given = req.headers["x-request-id"];
      return typeof given === "string" && REQUEST_ID.test(given) ? given : randomUUID();
    },
    ajv: { customOptions: { removeAdditional: false, allErrors: false, coerceTypes: "array", useDefaults: true } },
  };
}

export async function buildApp(opts: AppOptions & { logStream?: { write(line: string): void } }): Promise<FastifyInstance> {
  const instance = Fastify(serverOptions(opts.config, opts.logStream)).withTypeProvider<TypeBoxTypeProvider>();
  instance.addHook("onResponse", (request, reply, done) => {
    request.log.info(
      {
        method: request.method,
        route: request.routeOptions.url,
        url: redactUrl(request.url),
        statusCode: reply.statusCode,
        ms: Math.round(reply.elapsedTime * 10) / 10,
        principal: request.principal?.id,
      },
      "request",
    );
    done();
  });
  await instance.register(app, opts);
  await instance.ready();
  return instance;
}

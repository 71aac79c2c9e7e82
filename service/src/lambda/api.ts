import { timingSafeEqual } from "node:crypto";
import awsLambdaFastify from "@fastify/aws-lambda";
import { type APIGatewayProxyEventV2, type APIGatewayProxyStructuredResultV2, type Context } from "aws-lambda";
import { buildApp, type AppOptions } from "../app";
import { ConfigError, loadConfig } from "../config";
import { runMigrations } from "../db/migrate";
import { stdoutLog } from "../observability/log-stream";
import { Metrics } from "../observability/metrics";
import { resolveSecretReferences, SecretReferenceError } from "./secret-references";

export type ApiHandler = (event: APIGatewayProxyEventV2, context: Context) => Promise<APIGatewayProxyStructuredResultV2>;

export interface ApiHandlerOptions extends AppOptions {
  /** Where log lines go; defaults to stdout (CloudWatch Logs). Flushed after every invocation when it can be. */
  readonly logStream?: { write(line: string): void; flush?(): void };
  /**
   * The header CloudFront adds with a deploy-time secret. When set, a request without it is refused before the
   * app sees it: the ALB's listener rule on the other platforms, here in front of the app instead.
   */
  readonly originVerify?: { readonly header: string; readonly value: string };
}

/** ORIGIN_VERIFY_SECRET: the value CloudFront sends in X-Origin-Verify (the Edge's origin-verify header). */
export const ORIGIN_VERIFY_HEADER = "x-origin-verify";

const FORBIDDEN: APIGatewayProxyStructuredResultV2 = {
  statusCode: 403,
  headers: { "content-type": "application/json; charset=utf-8" },
  body: JSON.stringify({
    statusCode: 403,
    error: "Forbidden",
    message: "this origin answers its CloudFront distribution only; use the service's public address",
  }),
  isBase64Encoded: false,
};

function sameSecret(given: string | undefined, expected: Buffer): boolean {
  if (given === undefined) return false;
  const bytes = Buffer.from(given);
  return bytes.length === expected.length && timingSafeEqual(bytes, expected);
}

/**
 * The same app as server.ts, answering API Gateway HTTP API (payload format 2.0) events instead of sockets.
 * Built once per execution environment; every invocation is one `inject` into it.
 */
export async function createApiHandler(opts: ApiHandlerOptions): Promise<ApiHandler & { close(): Promise<void> }> {
  const logStream = opts.logStream ?? stdoutLog;
  // Lambda freezes the process as soon as a response is returned, so nothing may wait for a timer: metrics
  // are flushed after each invocation (one EMF line each) instead of every METRICS_FLUSH_INTERVAL_MS.
  const metrics = opts.metrics ?? new Metrics(opts.config.environment);
  const app = await buildApp({ ...opts, metrics, logStream });
  const proxy = awsLambdaFastify<APIGatewayProxyEventV2>(app, {
    // Nothing reads the Lambda event from a request: no route knows which platform it runs on.
    decorateRequest: false,
  });
  const expected = opts.originVerify ? { header: opts.originVerify.header.toLowerCase(), value: Buffer.from(opts.originVerify.value) } : undefined;
  const handle: ApiHandler = async (event, context) => {
    if (expected && !sameSecret(event.headers?.[expected.header], expected.value)) return FORBIDDEN;
    const result = await proxy(withRawQuery(event), context);
    // onResponse hooks (the request log line, the request metrics) run once the reply is finished.
    await new Promise((resolve) => setImmediate(resolve));
    metrics.flush();
    logStream.flush?.();
    return result;
  };
  // Lambda never calls it (the environment is simply frozen, then ended); tests and benchmarks do.
  return Object.assign(handle, { close: () => app.close() });
}

/**
 * API Gateway hands over the query string both raw and parsed, the parsed one with repeated keys joined by
 * commas. Fastify is given the raw one, so a query parses exactly as it does behind the load balancer.
 */
export function withRawQuery(event: APIGatewayProxyEventV2): APIGatewayProxyEventV2 {
  const { queryStringParameters: _parsed, ...rest } = event;
  return event.rawQueryString ? { ...rest, rawPath: `${event.rawPath}?${event.rawQueryString}` } : rest;
}

/**
 * Cold start: read the configuration, apply pending migrations (under the advisory lock, as every ECS task
 * does; a no-op once applied), then build the app. Started at module load, so it runs in Lambda's init phase.
 */
async function coldStart(): Promise<ApiHandler> {
  let config;
  try {
    config = loadConfig({ ...process.env, ...(await resolveSecretReferences(process.env)) });
  } catch (error) {
    // Surfaces as the init error in the function's log; every invocation fails until the settings are fixed.
    if (error instanceof ConfigError || error instanceof SecretReferenceError) process.stderr.write(`${error.message}\n`);
    throw error;
  }
  await runMigrations(config.database, (message) => stdoutLog.write(`${JSON.stringify({ level: 30, time: Date.now(), msg: message })}\n`));
  const originSecret = process.env.ORIGIN_VERIFY_SECRET;
  return createApiHandler({ config, ...(originSecret ? { originVerify: { header: ORIGIN_VERIFY_HEADER, value: originSecret } } : {}) });
}

let ready: Promise<ApiHandler> | undefined;

/** The cold start, shared by every invocation; a failed one (database not reachable yet) is retried, not kept. */
function started(): Promise<ApiHandler> {
  ready ??= coldStart().catch((error: unknown) => {
    ready = undefined;
    throw error;
  });
  return ready;
}

/** The function's handler (`dist/lambda/api.handler` in the archive). */
export const handler: ApiHandler = async (event, context) => (await started())(event, context);

// Started while the module loads, in Lambda's init phase, rather than on the first request; that request
// awaits the same promise (and sees its error, so none is swallowed here).
if (process.env.AWS_LAMBDA_FUNCTION_NAME !== undefined) started().catch(() => undefined);

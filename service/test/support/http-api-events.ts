import { randomBytes } from "node:crypto";
import { type APIGatewayProxyEventV2, type APIGatewayProxyStructuredResultV2, type Context } from "aws-lambda";
import { type InjectOptions } from "fastify";
import { type LedgerResponse } from "./app";

// Content types API Gateway passes as text; any other body arrives base64-encoded with isBase64Encoded.
const TEXT_TYPES = /^(text\/|application\/(json|[\w.+-]+\+json|xml|x-www-form-urlencoded|javascript))/;

/**
 * The event an API Gateway HTTP API (payload format 2.0) hands a Lambda integration for the request `inject`
 * would make: header names lower-case, repeated values joined by commas, cookies moved out of the headers,
 * the query both raw and parsed (repeated keys joined by commas), and a request id in API Gateway's shape.
 */
export function httpApiEvent(options: InjectOptions, sourceIp = "203.0.113.7"): APIGatewayProxyEventV2 {
  const method = (options.method ?? "GET").toUpperCase();
  const url = new URL(typeof options.url === "string" ? options.url : "/", "https://ledger.example");
  const headers: Record<string, string> = {
    host: "abc123.execute-api.eu-west-1.amazonaws.com",
    "user-agent": "contract-test",
    "x-forwarded-for": sourceIp,
    "x-forwarded-proto": "https",
  };
  for (const [name, value] of Object.entries(options.headers ?? {})) {
    if (value !== undefined) headers[name.toLowerCase()] = Array.isArray(value) ? value.join(",") : String(value);
  }
  let body: string | undefined;
  if (options.payload !== undefined) {
    const payload = options.payload;
    if (typeof payload === "string" || Buffer.isBuffer(payload)) body = payload.toString();
    else {
      body = JSON.stringify(payload);
      headers["content-type"] ??= "application/json";
    }
  }
  const isBase64Encoded = body !== undefined && !TEXT_TYPES.test(headers["content-type"] ?? "");
  const cookies = headers.cookie?.split(/;\s*/);
  delete headers.cookie;
  const queryStringParameters: Record<string, string> = {};
  for (const key of new Set(url.searchParams.keys())) queryStringParameters[key] = url.searchParams.getAll(key).join(",");
  const now = new Date();
  return {
    version: "2.0",
    routeKey: "$default",
    rawPath: url.pathname,
    rawQueryString: url.search.slice(1),
    ...(cookies ? { cookies } : {}),
    headers,
    ...(url.search ? { queryStringParameters } : {}),
    requestContext: {
      accountId: "123456789012",
      apiId: "abc123",
      domainName: headers.host!,
      domainPrefix: "abc123",
      http: { method, path: url.pathname, protocol: "HTTP/1.1", sourceIp, userAgent: headers["user-agent"]! },
      // API Gateway's shape: 15 base64 characters and a padding "=".
      requestId: `${randomBytes(11).toString("base64").slice(0, 15)}=`,
      routeKey: "$default",
      stage: "$default",
      time: now.toUTCString(),
      timeEpoch: now.getTime(),
    },
    ...(body === undefined ? {} : { body: isBase64Encoded ? Buffer.from(body).toString("base64") : body }),
    isBase64Encoded,
  };
}

/** A Lambda result read back the way API Gateway turns it into an HTTP response. */
export function fromHttpApiResult(result: APIGatewayProxyStructuredResultV2): LedgerResponse {
  const raw = result.body ?? "";
  const body = result.isBase64Encoded ? Buffer.from(raw, "base64").toString("utf8") : raw;
  const headers: Record<string, string | string[]> = {};
  for (const [name, value] of Object.entries(result.headers ?? {})) headers[name.toLowerCase()] = String(value);
  if (result.cookies?.length) headers["set-cookie"] = result.cookies;
  return { statusCode: result.statusCode ?? 200, headers, body, json: () => JSON.parse(body) };
}

export function lambdaContext(functionName = "release-ledger-api"): Context {
  return {
    callbackWaitsForEmptyEventLoop: true,
    functionName,
    functionVersion: "$LATEST",
    invokedFunctionArn: `arn:aws:lambda:eu-west-1:123456789012:function:${functionName}:live`,
    memoryLimitInMB: "1024",
    awsRequestId: randomBytes(16).toString("hex"),
    logGroupName: `/aws/lambda/${functionName}`,
    logStreamName: "2026/11/30/[$LATEST]0123456789abcdef",
    getRemainingTimeInMillis: () => 30_000,
    done: () => undefined,
    fail: () => undefined,
    succeed: () => undefined,
  };
}

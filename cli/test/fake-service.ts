import * as http from "node:http";
import type { AddressInfo } from "node:net";

/** A route's answer: status, body (objects are sent as JSON) and an optional delay before answering. */
export interface FakeAnswer {
  readonly status: number;
  readonly body?: unknown;
  readonly delayMs?: number;
}

export type FakeRoute = (request: http.IncomingMessage, call: number) => FakeAnswer;

export interface FakeService {
  readonly url: string;
  /** Requests seen, in order: method, path, the Authorization header and the body when present. */
  readonly requests: { method?: string; path: string; authorization?: string; body?: string }[];
  close(): Promise<void>;
}

const OPENAPI = { openapi: "3.0.3", info: { title: "fake", version: "1" }, paths: { "/healthz": {}, "/v1/releases": {} } };

/** Routes of a healthy release-ledger service; tests override some to break it. */
export const HEALTHY_ROUTES: Readonly<Record<string, FakeRoute>> = {
  "/healthz": () => ({ status: 200, body: { status: "ok" } }),
  "/readyz": () => ({ status: 200, body: { status: "ready" } }),
  "/docs/json": () => ({ status: 200, body: OPENAPI }),
  "/v1/releases": (request) =>
    request.headers.authorization === "Bearer good-token"
      ? { status: 200, body: { items: [], nextCursor: null } }
      : { status: 401, body: { message: "invalid API key" } },
};

/** Starts an HTTP server on a random local port that imitates the service's endpoints. */
export async function startFakeService(overrides: Record<string, FakeRoute> = {}): Promise<FakeService> {
  const routes: Record<string, FakeRoute> = { ...HEALTHY_ROUTES, ...overrides };
  const calls = new Map<string, number>();
  const requests: FakeService["requests"] = [];
  const timers = new Set<NodeJS.Timeout>();
  const server = http.createServer((request, response) => {
    const path = new URL(request.url ?? "/", "http://x").pathname;
    const seen: FakeService["requests"][number] = { method: request.method, path: request.url ?? "/", authorization: request.headers.authorization };
    requests.push(seen);
    const chunks: Buffer[] = [];
    request.on("data", (chunk: Buffer) => chunks.push(chunk));
    request.on("end", () => {
      if (chunks.length > 0) seen.body = Buffer.concat(chunks).toString("utf8");
    });
    const call = (calls.get(path) ?? 0) + 1;
    calls.set(path, call);
    const route = routes[path];
    const answer = route ? route(request, call) : { status: 404, body: { message: "not found" } };
    const send = () => {
      const text = typeof answer.body === "string" ? answer.body : JSON.stringify(answer.body ?? {});
      response.writeHead(answer.status, { "content-type": typeof answer.body === "string" ? "text/plain" : "application/json" });
      response.end(text);
    };
    if (answer.delayMs) {
      const timer = setTimeout(() => {
        timers.delete(timer);
        send();
      }, answer.delayMs);
      timers.add(timer);
    } else send();
  });
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  const { port } = server.address() as AddressInfo;
  return {
    url: `http://127.0.0.1:${port}`,
    requests,
    close: () =>
      new Promise<void>((resolve) => {
        for (const timer of timers) clearTimeout(timer);
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}

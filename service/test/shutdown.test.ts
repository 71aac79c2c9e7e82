import { spawn, type ChildProcess } from "node:child_process";
import { Agent, request } from "node:http";
import { connect, type Socket } from "node:net";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { createKey, digest, sha } from "./support/app";
import { createTestDatabase } from "./support/database";
import { freePort } from "./support/free-port";

let db: Awaited<ReturnType<typeof createTestDatabase>>;
let child: ChildProcess | undefined;

beforeAll(async () => {
  db = await createTestDatabase();
});

afterAll(async () => {
  if (child && child.exitCode === null && child.signalCode === null) child.kill("SIGKILL");
  await db?.drop();
});

function send(port: number, options: { method?: string; path: string; key: string; chunks?: string[]; gapMs?: number; agent?: Agent }) {
  return new Promise<{ status: number; body: string }>((resolve, reject) => {
    const req = request(
      {
        host: "127.0.0.1",
        port,
        method: options.method ?? "GET",
        path: options.path,
        agent: options.agent ?? false,
        headers: { authorization: `Bearer ${options.key}`, "content-type": "application/json" },
      },
      (res) => {
        let body = "";
        res.on("data", (c: Buffer) => (body += c.toString()));
        res.on("end", () => resolve({ status: res.statusCode ?? 0, body }));
      },
    );
    req.on("error", reject);
    const chunks = options.chunks ?? [];
    if (chunks.length === 0) return void req.end();
    // A body trickled in over time: the request is in flight when the signal arrives.
    let i = 0;
    const next = () => {
      req.write(chunks[i++]);
      if (i < chunks.length) setTimeout(next, options.gapMs ?? 300);
      else req.end();
    };
    next();
  });
}

/** Reads one HTTP/1.1 response off a raw socket (Fastify always sends content-length); "reset" if the socket fails first. */
function readResponse(socket: Socket): Promise<{ status: number } | { failed: string }> {
  return new Promise((resolve) => {
    let buffered = "";
    const onData = (chunk: Buffer) => {
      buffered += chunk.toString("latin1");
      const end = buffered.indexOf("\r\n\r\n");
      if (end < 0) return;
      const length = Number(/\r\ncontent-length: *(\d+)/i.exec(buffered.slice(0, end))?.[1] ?? 0);
      if (buffered.length < end + 4 + length) return;
      finish({ status: Number(buffered.slice(9, 12)) });
    };
    const onFail = (error?: Error) => finish({ failed: error ? ((error as NodeJS.ErrnoException).code ?? error.message) : "closed without a response" });
    const finish = (result: { status: number } | { failed: string }) => {
      socket.off("data", onData).off("error", onFail).off("close", onClose);
      resolve(result);
    };
    const onClose = () => onFail();
    socket.on("data", onData).on("error", onFail).on("close", onClose);
  });
}

function openSocket(port: number): Promise<Socket> {
  return new Promise((resolve, reject) => {
    const socket = connect(port, "127.0.0.1");
    socket.once("connect", () => resolve(socket)).once("error", reject);
  });
}

async function startService(): Promise<{ port: number; key: string; output: () => string; exited: Promise<{ code: number | null; at: number }> }> {
  const key = (await createKey(db.url, "deployer")).key;
  const port = await freePort();
  let stdout = "";
  child = spawn(process.execPath, ["-r", "ts-node/register/transpile-only", join(__dirname, "..", "src", "server.ts")], {
    cwd: join(__dirname, ".."),
    env: {
      ...process.env,
      DATABASE_URL: db.url,
      PORT: String(port),
      HOST: "127.0.0.1",
      LOG_LEVEL: "info",
      SHUTDOWN_TIMEOUT_MS: "8000",
      REQUEST_TIMEOUT_MS: "5000",
      RATE_LIMIT_PER_MINUTE: "0",
      REDIS_URL: "",
      REDIS_HOST: "",
    },
    stdio: ["ignore", "pipe", "pipe"],
  });
  child.stdout!.on("data", (c: Buffer) => (stdout += c.toString()));
  const exited = new Promise<{ code: number | null; at: number }>((resolve) => child!.once("exit", (code) => resolve({ code, at: Date.now() })));
  for (let i = 0; i < 600 && !/database schema is up to date/.test(stdout); i++) await new Promise((r) => setTimeout(r, 50));
  expect(stdout).toMatch(/database schema is up to date/);
  return { port, key, output: () => stdout, exited };
}

describe("SIGTERM", () => {
  it("stops accepting, finishes every in-flight request, and exits 0 within SHUTDOWN_TIMEOUT_MS", async () => {
    const { port, key, output, exited } = await startService();

    const body = JSON.stringify({ service: "drain", environment: "prod", version: "1.0.0", imageDigest: digest(7), commitSha: sha(7) });
    const third = Math.ceil(body.length / 3);
    const slow = send(port, {
      method: "POST",
      path: "/v1/releases",
      key,
      chunks: [body.slice(0, third), body.slice(third, 2 * third), body.slice(2 * third)],
      gapMs: 400,
    });
    const quick = Array.from({ length: 20 }, () => send(port, { path: "/v1/releases?limit=5", key }));
    // Long enough for the server to accept all 21 connections on a loaded machine (a connection still in the
    // listen backlog when the listener closes is reset, which is the kernel's doing, not a drain failure); the slow
    // request's body is still arriving for another 300 ms.
    await new Promise((r) => setTimeout(r, 500));

    const signalledAt = Date.now();
    child!.kill("SIGTERM");
    await new Promise((r) => setTimeout(r, 100));
    const refused = await new Promise<boolean>((resolve) => {
      const socket = connect(port, "127.0.0.1");
      socket.once("connect", () => {
        socket.destroy();
        resolve(false);
      });
      socket.once("error", () => resolve(true));
    });

    const [slowResult, ...quickResults] = await Promise.all([slow, ...quick]);
    const { code, at } = await exited;
    expect(refused).toBe(true);
    expect(slowResult.status).toBe(201);
    expect(JSON.parse(slowResult.body)).toMatchObject({ service: "drain", status: "started" });
    expect(quickResults.map((r) => r.status)).toEqual(Array(20).fill(200));
    expect(code).toBe(0);
    expect(at - signalledAt).toBeLessThan(8000);
    // The last metrics are flushed on the way out.
    const stdout = output();
    expect(stdout).toMatch(/"_aws":\{"Timestamp":\d+,"CloudWatchMetrics":\[\{"Namespace":"ReleaseLedger"/);
    expect(stdout).toMatch(/shutdown complete/);
  }, 60_000);

  it("drains keep-alive connections: once in-flight requests are answered, their connections close and the process exits 0 at once", async () => {
    const { port, key, exited } = await startService();
    // What an ALB keeps to every target: many persistent connections, each with a request in flight.
    const agent = new Agent({ keepAlive: true, maxSockets: 200 });
    const body = JSON.stringify({ service: "keepalive", environment: "prod", version: "1.0.0", imageDigest: digest(8), commitSha: sha(8) });
    const half = Math.ceil(body.length / 2);
    const inFlight = Array.from({ length: 100 }, () =>
      send(port, { method: "POST", path: "/v1/releases", key, agent, chunks: [body.slice(0, half), body.slice(half)], gapMs: 600 }),
    );
    await new Promise((r) => setTimeout(r, 300));
    const signalledAt = Date.now();
    child!.kill("SIGTERM");
    const results = await Promise.all(inFlight);
    const { code, at } = await exited;
    agent.destroy();
    expect(results.map((r) => r.status)).toEqual(Array(100).fill(201));
    expect(code).toBe(0);
    // SHUTDOWN_TIMEOUT_MS is 8 s: an exit well before it means nothing waited for idle connections.
    expect(at - signalledAt).toBeLessThan(5_000);
  }, 60_000);

  it("answers requests whose headers arrived milliseconds before the signal, on keep-alive and fresh connections, and exits 0", async () => {
    const { port, key, exited } = await startService();
    const get = `GET /v1/releases?limit=5 HTTP/1.1\r\nhost: 127.0.0.1\r\nauthorization: Bearer ${key}\r\n\r\n`;
    // Keep-alive connections that have already carried a request and sit idle, as a load balancer keeps them.
    const kept = await Promise.all(Array.from({ length: 30 }, () => openSocket(port)));
    expect(await Promise.all(kept.map((socket) => (socket.write(get), readResponse(socket))))).toEqual(Array(30).fill({ status: 200 }));
    const keptAnswers = kept.map((socket) => (socket.write(get), readResponse(socket)));
    // Fresh connections, each request written as soon as the handshake completes: the service may accept them in
    // the same event-loop turn as it sees the signal.
    const fresh = Array.from({ length: 30 }, () => {
      const socket = connect(port, "127.0.0.1");
      socket.write(get);
      return socket;
    });
    const freshAnswers = fresh.map(readResponse);
    await Promise.all(fresh.map((socket) => new Promise((resolve) => socket.once("connect", resolve))));

    const signalledAt = Date.now();
    child!.kill("SIGTERM");
    const results = await Promise.all([...keptAnswers, ...freshAnswers]);
    const { code, at } = await exited;
    for (const socket of [...kept, ...fresh]) socket.destroy();
    expect(results).toEqual(Array(60).fill({ status: 200 }));
    expect(code).toBe(0);
    expect(at - signalledAt).toBeLessThan(5_000);
  }, 60_000);
});

import * as http from "node:http";
import { type AddressInfo } from "node:net";
import { afterEach, describe, expect, it } from "vitest";
import { digest, harness, image, type Harness } from "../../test/memory-services";
import { IMAGE_CONFIG_KEY } from "../engine/engine";
import { ExitCode } from "../errors";

interface Received {
  method: string;
  url: string;
  headers: http.IncomingHttpHeaders;
  body: Record<string, unknown>;
}

/** A stand-in for the release ledger service: records requests, answers like the real API. */
async function fakeLedger(): Promise<{ url: string; received: Received[]; close: () => Promise<void> }> {
  const received: Received[] = [];
  const server = http.createServer((req, res) => {
    let raw = "";
    req.on("data", (chunk: Buffer) => (raw += chunk.toString()));
    req.on("end", () => {
      received.push({ method: req.method ?? "", url: req.url ?? "", headers: req.headers, body: raw ? JSON.parse(raw) : {} });
      res.setHeader("content-type", "application/json");
      if (req.method === "POST") res.writeHead(201).end(JSON.stringify({ id: "rel-42", status: "started" }));
      else res.writeHead(200).end(JSON.stringify({ id: "rel-42" }));
    });
  });
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  const { port } = server.address() as AddressInfo;
  return { url: `http://127.0.0.1:${port}`, received, close: () => new Promise((resolve) => server.close(() => resolve())) };
}

function deployedPair(): Harness {
  const h = harness();
  for (const env of ["staging", "prod"]) {
    h.deploy(env, "network");
    h.deploy(env, "data");
  }
  h.deploy("staging", "compute", { [IMAGE_CONFIG_KEY]: image("v2") });
  h.deploy("prod", "compute", { [IMAGE_CONFIG_KEY]: image("v1") });
  return h;
}

const closers: (() => Promise<void>)[] = [];
afterEach(async () => {
  await Promise.all(closers.splice(0).map((close) => close()));
});

describe("devctl promote", () => {
  it("deploys the exact digest the source runs to the target's compute layer and waits for the rollout", async () => {
    const h = deployedPair();
    const { code, stdout } = await h.run(["promote", "prod", "--yes"]);
    expect(code).toBe(ExitCode.Success);
    const prod = h.engine.stack({ environment: "prod", layer: "compute" });
    expect(prod.config[IMAGE_CONFIG_KEY]).toBe(image("v2"));
    expect(prod.outputs.imageDigest).toBe(digest("v2"));
    expect(h.engine.calls.filter((c) => c.startsWith("up "))).toEqual(["up prod/compute"]);
    expect(prod.history.at(-1)?.message).toBe(`devctl promote prod --from staging ${image("v2")}`);
    expect(h.watcher.watched).toEqual([{ region: "eu-west-1", cluster: "prod-cluster", service: "prod-service" }]);
    expect(stdout).toContain(`promoted ${image("v2")} from staging to prod`);
  });

  it("--preview shows the change and applies nothing", async () => {
    const h = deployedPair();
    const { code, io } = await h.run(["promote", "prod", "--preview", "--json"]);
    expect(code).toBe(ExitCode.Success);
    const result = JSON.parse(io.stdout.join(""));
    expect(result.promotion).toMatchObject({ from: "staging", to: "prod", image: image("v2"), applied: false });
    expect(result.environments[0].layers[0].counts.update).toBe(1);
    expect(h.engine.calls.some((c) => c.startsWith("up ") || c.startsWith("setConfig"))).toBe(false);
    expect(h.engine.stack({ environment: "prod", layer: "compute" }).config[IMAGE_CONFIG_KEY]).toBe(image("v1"));
  });

  it("--preview in a fresh checkout names the image production runs (from its state, not the git-ignored config file)", async () => {
    const h = deployedPair();
    h.engine.stack({ environment: "prod", layer: "compute" }).config = {};
    const { code, stderr, io } = await h.run(["promote", "prod", "--preview", "--json"]);
    expect(code).toBe(ExitCode.Success);
    expect(stderr).toContain(`promoting ${image("v2")} from staging to prod (now ${image("v1")})`);
    expect(JSON.parse(io.stdout.join("")).environments[0].layers[0].counts.update).toBe(1);
  });

  it("refuses production without --yes and without a terminal", async () => {
    const h = deployedPair();
    const { code, stderr } = await h.run(["promote", "prod"]);
    expect(code).toBe(ExitCode.Usage);
    expect(stderr).toContain("there is no terminal");
    expect(h.engine.calls.filter((c) => c.startsWith("up "))).toEqual([]);
  });

  it("runs the soak gate on the source's alarms and stops when they did not stay OK", async () => {
    const h = deployedPair();
    h.soak.result = { ok: false, problems: ["staging-5xx: went to ALARM at 2026-11-25T11:50:00.000Z"] };
    const { code, stderr } = await h.run(["promote", "prod", "--yes", "--soak-minutes", "30"]);
    expect(code).toBe(ExitCode.Failure);
    expect(h.soak.requests).toEqual([
      {
        alarms: [
          { name: "staging-5xx", region: "eu-west-1", kind: "threshold" },
          { name: "staging-cdn-5xx", region: "us-east-1", kind: "threshold" },
          { name: "staging-requests", region: "eu-west-1", kind: "anomaly" },
        ],
        minutes: 30,
      },
    ]);
    expect(stderr).toContain("soak gate failed");
    expect(stderr).toContain("staging-5xx: went to ALARM");
    expect(h.engine.calls.filter((c) => c.startsWith("up "))).toEqual([]);

    h.soak.result = { ok: true, problems: [] };
    expect((await h.run(["promote", "prod", "--yes", "--soak-minutes", "30"])).code).toBe(ExitCode.Success);
  });

  it("refuses the soak gate on a source deployed before alarms carried their regions, naming the fix", async () => {
    const h = deployedPair();
    const staging = h.engine.stack({ environment: "staging", layer: "compute" });
    staging.outputs = { ...staging.outputs, alarms: undefined, alarmNames: ["staging-5xx"] };
    const { code, stderr } = await h.run(["promote", "prod", "--yes", "--soak-minutes", "30"]);
    expect(code).toBe(ExitCode.Failure);
    expect(stderr).toContain("exports no alarms with their regions");
    expect(stderr).toContain("devctl up staging");
    expect(h.soak.requests).toEqual([]);
  });

  it("fails clearly when the source runs no image pinned by digest", async () => {
    const h = harness();
    h.deploy("prod", "network");
    h.deploy("prod", "data");
    const { code, stderr } = await h.run(["promote", "prod", "--yes"]);
    expect(code).toBe(ExitCode.Failure);
    expect(stderr).toContain("staging runs no image pinned by digest");
    expect(stderr).toContain("fix: deploy staging first: devctl up staging");
  });

  it("records the release in the ledger: POST started with an idempotency key, then PATCH succeeded", async () => {
    const ledger = await fakeLedger();
    closers.push(ledger.close);
    const h = deployedPair();
    const { code } = await h.run(["promote", "prod", "--yes"], { env: { DEVCTL_LEDGER_URL: ledger.url, DEVCTL_LEDGER_TOKEN: "t0ken" } });
    expect(code).toBe(ExitCode.Success);
    expect(ledger.received.map((r) => `${r.method} ${r.url}`)).toEqual(["POST /v1/releases", "PATCH /v1/releases/rel-42"]);
    const [post, patch] = ledger.received;
    expect(post!.headers.authorization).toBe("Bearer t0ken");
    expect(post!.headers["idempotency-key"]).toMatch(/^[0-9a-f-]{36}$/);
    expect(post!.body).toEqual({
      service: "release-ledger",
      environment: "prod",
      version: `aaaaaaa-${digest("v2").slice(7, 19)}`,
      imageDigest: digest("v2"),
      commitSha: "a".repeat(40),
      status: "started",
    });
    expect(patch!.body).toEqual({ status: "succeeded", finishedAt: "2026-11-25T12:00:00.000Z" });
  });

  it("records rolled_back when ECS rolls the promotion back", async () => {
    const ledger = await fakeLedger();
    closers.push(ledger.close);
    const h = deployedPair();
    h.watcher.results.push({ state: "ROLLED_BACK", reason: "alarm prod-5xx" });
    const { code } = await h.run(["promote", "prod", "--yes"], { env: { DEVCTL_LEDGER_URL: ledger.url, DEVCTL_LEDGER_TOKEN: "t" } });
    expect(code).toBe(ExitCode.Failure);
    expect(ledger.received.at(-1)?.body.status).toBe("rolled_back");
    expect(h.engine.stack({ environment: "prod", layer: "compute" }).config[IMAGE_CONFIG_KEY]).toBe(image("v1"));
  });

  it("records failed when the compute update fails", async () => {
    const ledger = await fakeLedger();
    closers.push(ledger.close);
    const h = deployedPair();
    h.engine.failures.set("up prod/compute", new Error("error: creating ECS service: AccessDenied"));
    const { code } = await h.run(["promote", "prod", "--yes"], { env: { DEVCTL_LEDGER_URL: ledger.url, DEVCTL_LEDGER_TOKEN: "t" } });
    expect(code).toBe(ExitCode.Failure);
    expect(ledger.received.map((r) => `${r.method} ${String(r.body.status)}`)).toEqual(["POST started", "PATCH failed"]);
  });

  it("warns and goes on when the ledger is unreachable", async () => {
    const ledger = await fakeLedger();
    await ledger.close();
    const h = deployedPair();
    const { code, stderr } = await h.run(["promote", "prod", "--yes"], { env: { DEVCTL_LEDGER_URL: ledger.url, DEVCTL_LEDGER_TOKEN: "t" } });
    expect(code).toBe(ExitCode.Success);
    expect(stderr).toMatch(/warning: the release ledger at http:\/\/127\.0\.0\.1:\d+ is unreachable/);
    expect(h.engine.stack({ environment: "prod", layer: "compute" }).config[IMAGE_CONFIG_KEY]).toBe(image("v2"));
  });

  it("records a build from source after the update, once its digest is known", async () => {
    const ledger = await fakeLedger();
    closers.push(ledger.close);
    const h = harness();
    const { code } = await h.run(["up", "staging"], { env: { DEVCTL_LEDGER_URL: ledger.url, DEVCTL_LEDGER_TOKEN: "t" } });
    expect(code).toBe(ExitCode.Success);
    const compute = h.engine.stack({ environment: "staging", layer: "compute" });
    expect(ledger.received.map((r) => r.method)).toEqual(["POST", "PATCH"]);
    expect(ledger.received[0]!.body.imageDigest).toBe(compute.outputs.imageDigest);
  });

  it("does not record anything without DEVCTL_LEDGER_TOKEN, and says why", async () => {
    const ledger = await fakeLedger();
    closers.push(ledger.close);
    const h = deployedPair();
    const { code, stderr } = await h.run(["promote", "prod", "--yes"], { env: { DEVCTL_LEDGER_URL: ledger.url } });
    expect(code).toBe(ExitCode.Success);
    expect(ledger.received).toEqual([]);
    expect(stderr).toContain("set both DEVCTL_LEDGER_URL and DEVCTL_LEDGER_TOKEN");
  });
});

/**
 * The eks platform's deployment watcher against a local HTTP server that answers like the Kubernetes API
 * (Argo Rollouts' rollouts resource, apps/v1 deployments, 404 Status objects) over TLS with its own certificate
 * authority, through @kubernetes/client-node.
 */
import { execFileSync } from "node:child_process";
import * as fs from "node:fs";
import type { IncomingMessage, ServerResponse } from "node:http";
import * as https from "node:https";
import type { AddressInfo } from "node:net";
import * as os from "node:os";
import * as path from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { kubernetesWorkloadReader } from "./eks-connection";
import { assessWorkload, KubernetesRolloutWatcher } from "./rollout-watcher";

const TARGET = { region: "eu-west-1", cluster: "staging-eks-release-ledger", service: "release-ledger" };
const ROLLOUT_PATH = "/apis/argoproj.io/v1alpha1/namespaces/release-ledger/rollouts/release-ledger";
const DEPLOYMENT_PATH = "/apis/apps/v1/namespaces/release-ledger/deployments/release-ledger";

const rollout = (status: Record<string, unknown>, generation = 2) => ({
  apiVersion: "argoproj.io/v1alpha1",
  kind: "Rollout",
  metadata: { name: "release-ledger", namespace: "release-ledger", generation },
  status,
});
const notFound = (name: string) => ({ kind: "Status", apiVersion: "v1", status: "Failure", reason: "NotFound", code: 404, message: `"${name}" not found` });

/** A scripted Kubernetes API: each GET of a path answers the next body in its script (the last one repeats). */
class FakeApi {
  readonly requests: { path: string; authorization: string | undefined }[] = [];
  private readonly scripts = new Map<string, { status: number; body: unknown }[]>();
  readonly certificate: string;
  private readonly server: https.Server;
  constructor() {
    // A self-signed certificate for 127.0.0.1, handed to the client as the cluster's certificate authority.
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), "kube-api-"));
    execFileSync(
      "openssl",
      [
        "req",
        "-x509",
        "-newkey",
        "rsa:2048",
        "-nodes",
        "-days",
        "1",
        "-subj",
        "/CN=kubernetes",
        "-addext",
        "subjectAltName=IP:127.0.0.1",
        "-keyout",
        path.join(dir, "key.pem"),
        "-out",
        path.join(dir, "cert.pem"),
      ],
      { stdio: "ignore" },
    );
    const key = fs.readFileSync(path.join(dir, "key.pem"));
    this.certificate = fs.readFileSync(path.join(dir, "cert.pem"), "utf8");
    fs.rmSync(dir, { recursive: true, force: true });
    this.server = https.createServer({ key, cert: this.certificate }, (req, res) => this.answer(req, res));
  }
  private answer(req: IncomingMessage, res: ServerResponse): void {
    const path = (req.url ?? "").split("?")[0] ?? "";
    this.requests.push({ path, authorization: req.headers.authorization });
    const script = this.scripts.get(path);
    const answer = script && script.length > 1 ? script.shift()! : (script?.[0] ?? { status: 404, body: notFound(path) });
    res.writeHead(answer.status, { "content-type": "application/json" });
    res.end(JSON.stringify(answer.body));
  }
  url = "";
  script(path: string, ...answers: { status: number; body: unknown }[]): void {
    this.scripts.set(path, answers);
  }
  reset(): void {
    this.scripts.clear();
    this.requests.length = 0;
  }
  async start(): Promise<void> {
    await new Promise<void>((resolve) => this.server.listen(0, "127.0.0.1", resolve));
    this.url = `https://127.0.0.1:${(this.server.address() as AddressInfo).port}`;
  }
  stop(): Promise<void> {
    return new Promise((resolve) => this.server.close(() => resolve()));
  }
}

const api = new FakeApi();
beforeAll(() => api.start());
afterAll(() => api.stop());

const watcher = () =>
  new KubernetesRolloutWatcher(
    kubernetesWorkloadReader(() =>
      Promise.resolve({ server: api.url, certificateAuthority: Buffer.from(api.certificate).toString("base64"), token: "k8s-aws-v1.test-token" }),
    ),
    { pollMs: 1, timeoutMs: 50, sleep: () => Promise.resolve() },
  );

describe("the eks deployment watcher, against a Kubernetes API", () => {
  it("waits through a canary until the Rollout is Healthy at its new revision, as the caller's token", async () => {
    api.reset();
    api.script(
      ROLLOUT_PATH,
      { status: 200, body: rollout({ observedGeneration: 1, phase: "Healthy" }) },
      { status: 200, body: rollout({ observedGeneration: 2, phase: "Paused", replicas: 3, updatedReplicas: 1, message: "CanaryPauseStep" }) },
      { status: 200, body: rollout({ observedGeneration: 2, phase: "Healthy", replicas: 3, updatedReplicas: 3 }) },
    );
    const progress: string[] = [];
    await expect(watcher().waitForDeployment(TARGET, { onProgress: (line) => progress.push(line) })).resolves.toEqual({ state: "COMPLETED" });
    expect(progress).toEqual([
      "Rollout release-ledger: waiting for the Rollout controller to see the new revision",
      "Rollout release-ledger: Paused: 1/3 pods updated, CanaryPauseStep",
    ]);
    expect(api.requests.every((r) => r.authorization === "Bearer k8s-aws-v1.test-token")).toBe(true);
  });

  it("reports an aborted canary (failed analysis) as rolled back, with Argo's reason", async () => {
    api.reset();
    api.script(ROLLOUT_PATH, {
      status: 200,
      body: rollout({ observedGeneration: 2, phase: "Degraded", abort: true, message: 'RolloutAborted: metric "target-5xx-rate" assessed Failed' }),
    });
    await expect(watcher().waitForDeployment(TARGET, { onProgress: () => undefined })).resolves.toEqual({
      state: "ROLLED_BACK",
      reason: 'RolloutAborted: metric "target-5xx-rate" assessed Failed',
    });
  });

  it("falls back to the Deployment of a rolling environment", async () => {
    api.reset();
    api.script(DEPLOYMENT_PATH, {
      status: 200,
      body: {
        apiVersion: "apps/v1",
        kind: "Deployment",
        metadata: { name: "release-ledger", generation: 4 },
        status: { observedGeneration: 4, replicas: 2, updatedReplicas: 2, availableReplicas: 2 },
      },
    });
    await expect(watcher().waitForDeployment(TARGET, { onProgress: () => undefined })).resolves.toEqual({ state: "COMPLETED" });
    expect(api.requests.map((r) => r.path)).toEqual([ROLLOUT_PATH, DEPLOYMENT_PATH]);
  });

  it("says what to do when the identity has no access entry", async () => {
    api.reset();
    api.script(ROLLOUT_PATH, {
      status: 403,
      body: { kind: "Status", apiVersion: "v1", status: "Failure", reason: "Forbidden", code: 403, message: "forbidden" },
    });
    await expect(watcher().waitForDeployment(TARGET, { onProgress: () => undefined })).rejects.toMatchObject({
      message: expect.stringContaining("(HTTP 403)") as unknown,
      suggestion: expect.stringContaining("access entry") as unknown,
    });
  });

  it("gives up after the timeout while nothing is there, naming the cluster", async () => {
    api.reset();
    await expect(watcher().waitForDeployment(TARGET, { onProgress: () => undefined })).rejects.toThrow(
      /release-ledger in EKS cluster staging-eks-release-ledger did not finish/,
    );
  });
});

describe("assessWorkload", () => {
  it("fails a Deployment past its progress deadline", () => {
    const view = {
      kind: "Deployment" as const,
      object: {
        metadata: { generation: 1 },
        status: { observedGeneration: 1, conditions: [{ type: "Progressing", status: "False", reason: "ProgressDeadlineExceeded", message: "took too long" }] },
      },
    };
    expect(assessWorkload(view).result).toEqual({ state: "FAILED", reason: "took too long" });
  });
  it("fails a Degraded Rollout that was not aborted", () => {
    expect(
      assessWorkload({ kind: "Rollout", object: rollout({ observedGeneration: 2, phase: "Degraded", message: "ProgressDeadlineExceeded" }) }).result,
    ).toEqual({
      state: "FAILED",
      reason: "ProgressDeadlineExceeded",
    });
  });
});

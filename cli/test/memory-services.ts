import { createHash } from "node:crypto";
import * as fs from "node:fs";
import * as os from "node:os";
import * as path from "node:path";
import type { Layer } from "@platform/infra/layers";
import { MemoryEngine } from "../src/engine/memory";
import { IMAGE_CONFIG_KEY, type StackRef, type UpdateRecord } from "../src/engine/engine";
import { main } from "../src/main";
import type {
  DeploymentResult,
  DeploymentTarget,
  DeploymentWatcher,
  DeploymentWords,
  SoakGate,
  SoakRequest,
  SoakResult,
  ServicesFactory,
} from "../src/services/services";
import { MemoryEdge } from "./memory-edge";
import { recordingIo, type RecordingIo } from "./recording-io";

export const REPOSITORY = "123456789012.dkr.ecr.eu-west-1.amazonaws.com/release-ledger";

export function digest(seed: string): string {
  return `sha256:${createHash("sha256").update(seed).digest("hex")}`;
}

export function image(seed: string): string {
  return `${REPOSITORY}@${digest(seed)}`;
}

/** Compute outputs the way the real layer derives them: the pinned image, or a fresh build from source. */
function computeOutputs(environment: string, config: Readonly<Record<string, string>>, build: number): Record<string, unknown> {
  const imageRef = config[IMAGE_CONFIG_KEY] ?? image(`${environment}-build-${build}`);
  return {
    imageRef,
    imageDigest: imageRef.slice(imageRef.indexOf("@") + 1),
    clusterName: `${environment}-cluster`,
    serviceName: `${environment}-service`,
    serviceUrl: `https://ledger.${environment}.example.com`,
    targetGroupArns: ["blue", "green"].map((role) => `arn:aws:elasticloadbalancing:eu-west-1:123456789012:targetgroup/${environment}-${role}/0123456789abcdef`),
    alarms: [
      { name: `${environment}-5xx`, region: "eu-west-1", kind: "threshold" },
      { name: `${environment}-cdn-5xx`, region: "us-east-1", kind: "threshold" },
      { name: `${environment}-requests`, region: "eu-west-1", kind: "anomaly" },
    ],
    deploymentAlarmNames: [`${environment}-5xx`],
  };
}

export class FakeWatcher implements DeploymentWatcher {
  /** Unset: the ECS words; a test of the eks platform sets the Kubernetes watcher's. */
  words?: DeploymentWords;
  readonly watched: DeploymentTarget[] = [];
  /** Results to return in order; COMPLETED once they run out. */
  readonly results: DeploymentResult[] = [];
  waitForDeployment(target: DeploymentTarget, options: { onProgress: (line: string) => void }): Promise<DeploymentResult> {
    this.watched.push(target);
    options.onProgress("deployment ecs-svc/1: IN_PROGRESS 1/2 tasks running");
    return Promise.resolve(this.results.shift() ?? { state: "COMPLETED" });
  }
}

export class FakeSoak implements SoakGate {
  readonly requests: SoakRequest[] = [];
  result: SoakResult = { ok: true, problems: [] };
  check(request: SoakRequest): Promise<SoakResult> {
    this.requests.push(request);
    return Promise.resolve(this.result);
  }
}

export interface Harness {
  readonly engine: MemoryEngine;
  readonly watcher: FakeWatcher;
  readonly soak: FakeSoak;
  readonly stateDir: string;
  /** CloudFront and Route 53: no hosted zone until a test adds one (so no cutover is recorded). */
  readonly edge: MemoryEdge;
  readonly factory: ServicesFactory;
  /** Runs devctl end to end through the real command parser. */
  run(
    argv: string[],
    io?: { interactive?: boolean; answers?: string[]; env?: Record<string, string> },
  ): Promise<{ code: number; io: RecordingIo; stdout: string; stderr: string }>;
  /** Seeds a deployed layer (one succeeded update) with the outputs the layer would have. */
  deploy(environment: string, layer: Layer, config?: Record<string, string>): void;
  /** Appends a history record to a stack (oldest first). */
  addHistory(ref: StackRef, record: Partial<UpdateRecord> & { config?: Record<string, string> }): void;
}

export function harness(): Harness {
  let builds = 0;
  const engine = new MemoryEngine((ref, config) => {
    if (ref.layer === "compute") return computeOutputs(ref.environment, config, ++builds);
    return { [`${ref.layer}Id`]: `${ref.layer}-${ref.environment}` };
  });
  const watcher = new FakeWatcher();
  const soak = new FakeSoak();
  const stateDir = fs.mkdtempSync(path.join(os.tmpdir(), "devctl-test-"));
  const edge = new MemoryEdge();
  const factory: ServicesFactory = () =>
    Promise.resolve({
      engine,
      deployments: watcher,
      soak,
      stateDir,
      edge,
      now: () => new Date("2026-11-25T12:00:00Z"),
      commitSha: () => Promise.resolve("a".repeat(40)),
    });
  let clock = Date.parse("2026-10-01T00:00:00Z");
  const addHistory: Harness["addHistory"] = (ref, record) => {
    const stack = engine.stack(ref);
    clock += 3_600_000;
    stack.history.push({
      version: stack.history.length + 1,
      kind: "update",
      result: "succeeded",
      startTime: new Date(clock),
      endTime: new Date(clock + 60_000),
      message: "",
      ...record,
      config: record.config ?? {},
    });
  };
  return {
    engine,
    watcher,
    soak,
    stateDir,
    edge,
    factory,
    async run(argv, options = {}) {
      const io = recordingIo(options);
      const code = await main(argv, io, factory);
      return { code, io, stdout: io.stdout.join(""), stderr: io.stderr.join("\n") };
    },
    deploy(environment, layer, config = {}) {
      const ref = { environment, layer };
      const stack = engine.stack(ref);
      stack.config = { ...config };
      stack.resources = 5;
      stack.outputs = layer === "compute" ? computeOutputs(environment, config, ++builds) : { [`${layer}Id`]: `${layer}-${environment}` };
      addHistory(ref, { message: `devctl up ${environment}`, config: { ...config } });
    },
    addHistory,
  };
}

import { DevctlError } from "../errors";
import { pollUntilDone } from "../services/poll";
import type { DeploymentResult, DeploymentTarget, DeploymentWatcher, DeploymentWords } from "../services/services";

/** Namespace of the service on the eks platform (infra/src/compute/eks SERVICE_NAMESPACE). */
export const SERVICE_NAMESPACE = "release-ledger";

/** What the watcher reads of the service's workload: an Argo Rollout, or a Deployment when it delivers rolling. */
export type WorkloadView =
  | { readonly kind: "Rollout"; readonly object: Record<string, unknown> }
  | { readonly kind: "Deployment"; readonly object: Record<string, unknown> }
  | { readonly kind: "missing" };

/** Reads the workload named like the service, in the service's namespace. */
export type ReadWorkload = (target: DeploymentTarget) => Promise<WorkloadView>;

interface Condition {
  readonly type?: string;
  readonly status?: string;
  readonly reason?: string;
  readonly message?: string;
}

type Verdict = { readonly result: DeploymentResult; readonly line: string } | { readonly result?: undefined; readonly line: string };

const record = (value: unknown): Record<string, unknown> => (value !== null && typeof value === "object" ? (value as Record<string, unknown>) : {});
const num = (value: unknown): number => (typeof value === "number" ? value : 0);

/**
 * One look at the workload. A Rollout is done when the controller has seen its latest spec and calls it Healthy;
 * rolled back when its canary was aborted (a failed analysis: the alarms' metrics crossed their thresholds);
 * failed when Degraded. A Deployment is done when every replica is updated and available, failed when its
 * progress deadline passed.
 */
export function assessWorkload(view: WorkloadView): Verdict {
  if (view.kind === "missing") return { line: "waiting for the workload to appear" };
  const metadata = record(view.object.metadata);
  const status = record(view.object.status);
  const current = num(status.observedGeneration) >= num(metadata.generation) && status.observedGeneration !== undefined;
  if (view.kind === "Rollout") {
    const phase = typeof status.phase === "string" ? status.phase : "Progressing";
    const message = typeof status.message === "string" ? status.message : "";
    if (status.abort === true) {
      return { result: { state: "ROLLED_BACK", reason: message || "the canary was aborted" }, line: "aborted" };
    }
    if (!current) return { line: "waiting for the Rollout controller to see the new revision" };
    if (phase === "Healthy") return { result: { state: "COMPLETED" }, line: "healthy" };
    if (phase === "Degraded") return { result: { state: "FAILED", reason: message || "the Rollout is Degraded" }, line: "degraded" };
    const weight = record(status.canary).weights ? ` (canary weight ${num(record(record(record(status.canary).weights).canary).weight)} %)` : "";
    return { line: `${phase}${weight}: ${num(status.updatedReplicas)}/${num(status.replicas)} pods updated${message ? `, ${message}` : ""}` };
  }
  const conditions = (Array.isArray(status.conditions) ? status.conditions : []) as Condition[];
  const progressing = conditions.find((c) => c.type === "Progressing");
  if (progressing?.status === "False" && progressing.reason === "ProgressDeadlineExceeded") {
    return { result: { state: "FAILED", reason: progressing.message ?? "the Deployment exceeded its progress deadline" }, line: "failed" };
  }
  const replicas = num(status.replicas);
  const updated = num(status.updatedReplicas);
  const available = num(status.availableReplicas);
  if (current && replicas > 0 && updated === replicas && available === replicas) return { result: { state: "COMPLETED" }, line: "available" };
  return { line: `${updated}/${replicas} pods updated, ${available} available` };
}

export interface RolloutWatcherOptions {
  readonly pollMs?: number;
  readonly timeoutMs?: number;
  readonly sleep?: (ms: number) => Promise<void>;
}

/** Polls the Kubernetes API until the service's Rollout (or Deployment) finishes, fails, is aborted, or times out. */
export class KubernetesRolloutWatcher implements DeploymentWatcher {
  readonly words: DeploymentWords = {
    rollout: "Kubernetes rollout",
    controller: "Argo Rollouts",
    lookAt: `kubectl -n ${SERVICE_NAMESPACE} describe rollout (its analysis runs and events)`,
    tag: "eks",
  };

  constructor(
    private readonly read: ReadWorkload,
    private readonly options: RolloutWatcherOptions = {},
  ) {}

  async waitForDeployment(target: DeploymentTarget, options: { readonly onProgress: (line: string) => void }): Promise<DeploymentResult> {
    const timeoutMs = this.options.timeoutMs ?? 60 * 60_000;
    return pollUntilDone(
      async () => {
        const view = await this.read(target);
        const verdict = assessWorkload(view);
        return { result: verdict.result, line: `${view.kind === "missing" ? "workload" : view.kind} ${target.service}: ${verdict.line}` };
      },
      {
        pollMs: this.options.pollMs,
        timeoutMs,
        sleep: this.options.sleep,
        onProgress: options.onProgress,
        timedOut: () =>
          new DevctlError(
            "OPERATION_FAILED",
            `the rollout of ${target.service} in EKS cluster ${target.cluster} did not finish within ${Math.round(timeoutMs / 60_000)} minutes`,
            `watch it with kubectl -n ${SERVICE_NAMESPACE} get rollout,deployment ${target.service}; raise DEVCTL_DEPLOY_TIMEOUT_MINUTES if canaries bake longer`,
          ),
      },
    );
  }
}

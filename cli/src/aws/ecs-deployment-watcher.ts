import { DevctlError } from "../errors";
import { pollUntilDone } from "../services/poll";
import type { DeploymentResult, DeploymentTarget, DeploymentWatcher } from "../services/services";
import { awsError } from "./aws-errors";

/** The fields of an ECS deployment the watcher reads (DescribeServices services[].deployments[]). */
export interface EcsDeploymentView {
  readonly id?: string;
  readonly status?: string;
  readonly rolloutState?: string;
  readonly rolloutStateReason?: string;
  readonly runningCount?: number;
  readonly desiredCount?: number;
}

export type DescribeDeployments = (target: DeploymentTarget) => Promise<readonly EcsDeploymentView[]>;

export interface Assessment {
  /** The deployment this rollout is: the PRIMARY one when the watch began. */
  readonly tracked: string | undefined;
  readonly result?: DeploymentResult;
  readonly line: string;
}

/**
 * One look at a service's deployments. Done when the tracked deployment is PRIMARY and COMPLETED; failed
 * when it is FAILED; rolled back when ECS (circuit breaker or alarms) made another deployment PRIMARY.
 */
export function assessDeployments(deployments: readonly EcsDeploymentView[], tracked: string | undefined): Assessment {
  const primary = deployments.find((d) => d.status === "PRIMARY");
  const id = tracked ?? primary?.id;
  const ours = deployments.find((d) => d.id === id);
  const replaced = primary !== undefined && primary.id !== id;
  const reason = ours?.rolloutStateReason ?? "";
  if (!ours) {
    return replaced
      ? { tracked: id, result: { state: "ROLLED_BACK", reason: `deployment ${id ?? "?"} was replaced by ${primary.id ?? "?"}`, deploymentId: id }, line: "replaced" }
      : { tracked: id, result: { state: "FAILED", reason: "the service has no deployments" }, line: "no deployments" };
  }
  if (ours.rolloutState === "FAILED") {
    return { tracked: id, result: { state: replaced || /roll(ing|ed)? ?back/i.test(reason) ? "ROLLED_BACK" : "FAILED", reason: reason || "rollout failed", deploymentId: id }, line: "failed" };
  }
  if (replaced || /rolling back|rolled back/i.test(reason)) {
    return { tracked: id, result: { state: "ROLLED_BACK", reason: reason || `ECS made deployment ${primary?.id ?? "?"} primary again`, deploymentId: id }, line: "rolled back" };
  }
  if (ours.rolloutState === "COMPLETED") return { tracked: id, result: { state: "COMPLETED", deploymentId: id }, line: "completed" };
  return { tracked: id, line: `${ours.rolloutState ?? "IN_PROGRESS"} ${ours.runningCount ?? 0}/${ours.desiredCount ?? 0} tasks running${reason ? ` (${reason})` : ""}` };
}

export interface WatcherOptions {
  readonly pollMs?: number;
  readonly timeoutMs?: number;
  readonly sleep?: (ms: number) => Promise<void>;
}

/** Polls DescribeServices until the rollout completes, fails, or times out. */
export class EcsDeploymentWatcher implements DeploymentWatcher {
  constructor(
    private readonly describe: DescribeDeployments,
    private readonly options: WatcherOptions = {},
  ) {}

  async waitForDeployment(target: DeploymentTarget, options: { readonly onProgress: (line: string) => void }): Promise<DeploymentResult> {
    const timeoutMs = this.options.timeoutMs ?? 60 * 60_000;
    let tracked: string | undefined;
    return pollUntilDone(
      async () => {
        const assessment = assessDeployments(await this.describe(target), tracked);
        tracked = assessment.tracked;
        return { result: assessment.result, line: `deployment ${tracked ?? "?"}: ${assessment.line}` };
      },
      {
        pollMs: this.options.pollMs ?? 15_000,
        timeoutMs,
        sleep: this.options.sleep,
        onProgress: options.onProgress,
        timedOut: () =>
          new DevctlError(
            "OPERATION_FAILED",
            `the ECS deployment of ${target.service} did not finish within ${Math.round(timeoutMs / 60_000)} minutes`,
            `watch it in the ECS console (cluster ${target.cluster}); raise DEVCTL_DEPLOY_TIMEOUT_MINUTES if deployments bake longer`,
          ),
      },
    );
  }
}

/** DescribeServices through the AWS SDK, loaded only when a deployment is watched. */
export function sdkDescribeDeployments(): DescribeDeployments {
  const clients = new Map<string, Promise<{ send: (target: DeploymentTarget) => Promise<readonly EcsDeploymentView[]> }>>();
  return async (target) => {
    let client = clients.get(target.region);
    if (!client) {
      client = import("@aws-sdk/client-ecs").then(({ ECSClient, DescribeServicesCommand }) => {
        const ecs = new ECSClient({ region: target.region });
        return {
          send: async (t: DeploymentTarget) => {
            const response = await ecs.send(new DescribeServicesCommand({ cluster: t.cluster, services: [t.service] }));
            const service = response.services?.[0];
            if (!service) {
              throw new DevctlError("OPERATION_FAILED", `ECS service ${t.service} not found in cluster ${t.cluster} (${t.region})`, "check the compute layer's clusterName/serviceName outputs: devctl outputs <env> --layer compute");
            }
            return service.deployments ?? [];
          },
        };
      });
      clients.set(target.region, client);
    }
    try {
      return await (await client).send(target);
    } catch (error) {
      throw awsError(error, `reading the ECS service ${target.service}`);
    }
  };
}

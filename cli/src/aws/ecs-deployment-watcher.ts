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
      ? {
          tracked: id,
          result: { state: "ROLLED_BACK", reason: `deployment ${id ?? "?"} was replaced by ${primary.id ?? "?"}`, deploymentId: id },
          line: "replaced",
        }
      : { tracked: id, result: { state: "FAILED", reason: "the service has no deployments" }, line: "no deployments" };
  }
  if (ours.rolloutState === "FAILED") {
    return {
      tracked: id,
      result: { state: replaced || /roll(ing|ed)? ?back/i.test(reason) ? "ROLLED_BACK" : "FAILED", reason: reason || "rollout failed", deploymentId: id },
      line: "failed",
    };
  }
  if (replaced || /rolling back|rolled back/i.test(reason)) {
    return {
      tracked: id,
      result: { state: "ROLLED_BACK", reason: reason || `ECS made deployment ${primary?.id ?? "?"} primary again`, deploymentId: id },
      line: "rolled back",
    };
  }
  if (ours.rolloutState === "COMPLETED") return { tracked: id, result: { state: "COMPLETED", deploymentId: id }, line: "completed" };
  return {
    tracked: id,
    line: `${ours.rolloutState ?? "IN_PROGRESS"} ${ours.runningCount ?? 0}/${ours.desiredCount ?? 0} tasks running${reason ? ` (${reason})` : ""}`,
  };
}

/** The target group that serves: the one the production listener rule forwards the most traffic to. */
export interface TrafficView {
  readonly servingTargetGroupArn?: string;
  readonly targetGroupCount: number;
  /** More than one group takes requests: a deployment is moving them (set only then). */
  readonly shared?: true;
}

export type ReadTraffic = (target: DeploymentTarget) => Promise<TrafficView | undefined>;

/** The fields of a listener rule (ELBv2 DescribeRules) that say where it forwards. */
export interface ListenerRuleView {
  readonly Actions?: readonly {
    readonly Type?: string;
    readonly TargetGroupArn?: string;
    readonly ForwardConfig?: { readonly TargetGroups?: readonly { readonly TargetGroupArn?: string; readonly Weight?: number }[] };
  }[];
}

export function servingTargetGroup(rules: readonly ListenerRuleView[]): TrafficView | undefined {
  const forward = rules.flatMap((r) => r.Actions ?? []).find((a) => a.Type === "forward");
  if (!forward) return undefined;
  const groups = (forward.ForwardConfig?.TargetGroups ?? []).filter((g) => g.TargetGroupArn !== undefined);
  if (groups.length === 0) return forward.TargetGroupArn ? { servingTargetGroupArn: forward.TargetGroupArn, targetGroupCount: 1 } : undefined;
  const serving = groups.reduce((best, g) => ((g.Weight ?? 1) > (best.Weight ?? 1) ? g : best));
  const shared = groups.filter((g) => (g.Weight ?? 1) > 0).length > 1;
  return { servingTargetGroupArn: serving.TargetGroupArn, targetGroupCount: groups.length, ...(shared ? { shared: true as const } : {}) };
}

export interface WatcherOptions {
  readonly pollMs?: number;
  readonly timeoutMs?: number;
  readonly sleep?: (ms: number) => Promise<void>;
  /** Reads which target group serves; the result then says before and after. Default: not reported. */
  readonly readTraffic?: ReadTraffic;
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
    const readTraffic = this.options.readTraffic;
    const before = readTraffic ? await readTraffic(target) : undefined;
    const result = await pollUntilDone(
      async () => {
        const assessment = assessDeployments(await this.describe(target), tracked);
        tracked = assessment.tracked;
        return { result: assessment.result, line: `deployment ${tracked ?? "?"}: ${assessment.line}` };
      },
      {
        pollMs: this.options.pollMs,
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
    if (result.state !== "COMPLETED" || !readTraffic) return result;
    // Which target group serves now, against the one before: a canary must have moved traffic to the other.
    const after = await readTraffic(target);
    const traffic = {
      ...(before?.servingTargetGroupArn ? { before: before.servingTargetGroupArn } : {}),
      ...(after?.servingTargetGroupArn ? { after: after.servingTargetGroupArn } : {}),
      targetGroupCount: after?.targetGroupCount ?? before?.targetGroupCount ?? 0,
    };
    return { ...result, traffic };
  }
}

/** DescribeServices through the AWS SDK, loaded only when a deployment is watched; `endpoint` only in tests. */
export function sdkDescribeDeployments(endpoint?: string): DescribeDeployments {
  const clients = new Map<string, Promise<{ send: (target: DeploymentTarget) => Promise<readonly EcsDeploymentView[]> }>>();
  return async (target) => {
    let client = clients.get(target.region);
    if (!client) {
      client = import("@aws-sdk/client-ecs").then(({ ECSClient, DescribeServicesCommand }) => {
        const ecs = new ECSClient({ region: target.region, ...(endpoint ? { endpoint } : {}) });
        return {
          send: async (t: DeploymentTarget) => {
            const response = await ecs.send(new DescribeServicesCommand({ cluster: t.cluster, services: [t.service] }));
            const service = response.services?.[0];
            if (!service) {
              throw new DevctlError(
                "OPERATION_FAILED",
                `ECS service ${t.service} not found in cluster ${t.cluster} (${t.region})`,
                "check the compute layer's clusterName/serviceName outputs: devctl outputs <env> --layer compute",
              );
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

/**
 * The production listener rule of the service's load balancer (ECS's advancedConfiguration, set for
 * blue/green strategies) or, for rolling, its one target group; through the AWS SDK, loaded on first use.
 */
export function sdkReadTraffic(endpoint?: string): ReadTraffic {
  return async (target) => {
    try {
      const [{ ECSClient, DescribeServicesCommand }, elb] = await Promise.all([
        import("@aws-sdk/client-ecs"),
        import("@aws-sdk/client-elastic-load-balancing-v2"),
      ]);
      const response = await new ECSClient({ region: target.region, ...(endpoint ? { endpoint } : {}) }).send(
        new DescribeServicesCommand({ cluster: target.cluster, services: [target.service] }),
      );
      const balancer = response.services?.[0]?.loadBalancers?.[0];
      const rule = balancer?.advancedConfiguration?.productionListenerRule;
      if (!rule) return balancer?.targetGroupArn ? { servingTargetGroupArn: balancer.targetGroupArn, targetGroupCount: 1 } : undefined;
      const rules = await new elb.ElasticLoadBalancingV2Client({ region: target.region, ...(endpoint ? { endpoint } : {}) }).send(
        new elb.DescribeRulesCommand({ RuleArns: [rule] }),
      );
      return servingTargetGroup(rules.Rules ?? []);
    } catch (error) {
      throw awsError(error, `reading which target group serves ${target.service}`);
    }
  };
}

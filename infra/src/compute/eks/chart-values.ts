/**
 * The Helm values of the platform's releases, from the environment and resolved upstream values. Pure, so tests
 * read exactly what Helm gets; the chart (charts/release-ledger) documents every key in its values.yaml.
 */
import * as path from "node:path";
import type { Environment } from "../../environment/environment";
import { serviceEnvironment } from "../container-definition";
import { STOP_TIMEOUT_MARGIN_SECONDS } from "../shutdown-timing";
import { WAYPOINT_NAME } from "../mesh/istio-ambient";
import { ROLLOUTS_ACCOUNT, SECRETS_OPERATOR_ACCOUNT, SERVICE_ACCOUNT } from "./cluster-policies";

/** The service's chart, in the repository (the compute layer deploys it from the working tree). */
export const SERVICE_CHART_PATH = path.resolve(__dirname, "..", "..", "..", "..", "charts", "release-ledger");

/** Operators the platform installs, pinned: a chart version decides the operator version and its CRDs. */
export const OPERATOR_CHARTS = {
  externalSecrets: { chart: "external-secrets", version: "0.19.2", repo: "https://charts.external-secrets.io", namespace: "external-secrets" },
  argoRollouts: { chart: "argo-rollouts", version: "2.40.4", repo: "https://argoproj.github.io/argo-helm", namespace: "argo-rollouts" },
} as const;

export interface ServiceValuesInput {
  readonly environment: Environment;
  /** Image pinned by digest. */
  readonly imageRef: string;
  /**
   * ALB target group the pods join (targetType ip). During a migration: undefined until ECS is drained, then ECS's
   * blue group, which the finished migration serves from.
   */
  readonly targetGroupArn: string | undefined;
  /** During a migration from ECS: the pods' own target group, whose share the listener rule's weights set. Default: none. */
  readonly migrationTargetGroupArn?: string;
  /** Register as one of several registrants of the groups (the tasks stay registered beside). Default: false. */
  readonly multiCluster?: boolean;
  /** The ALB's ARN suffix, the dimension of the metrics the canary analysis reads. */
  readonly albArnSuffix: string;
  /** The VPC's CIDR: the ALB, the data stores and the VPC endpoints are inside it. */
  readonly vpcCidr: string;
  readonly database: {
    readonly host: string;
    readonly port: number;
    readonly name: string;
    /** The RDS-managed master secret: the startup migration only (MIGRATION_PGUSER / MIGRATION_PGPASSWORD). */
    readonly masterSecretArn: string;
    /** The service's own login (IAM database authentication through the pods' Pod Identity). */
    readonly appUsername: string;
  };
  readonly redis: { readonly host: string; readonly port: number; readonly authSecretArn: string };
}

/** Fargate CPU units (1024 = one vCPU) as Kubernetes millicores. */
export function cpuMillicores(cpuUnits: number): string {
  return `${Math.round((cpuUnits * 1000) / 1024)}m`;
}

/** The canary's traffic steps in percent: one canary step, or linear steps below 100. */
export function rolloutWeights(deployment: Environment["deployment"]): number[] {
  if (deployment.strategy === "canary") return [deployment.canaryPercent];
  if (deployment.strategy === "linear") {
    const steps: number[] = [];
    for (let w = deployment.linearStepPercent; w < 100; w += deployment.linearStepPercent) steps.push(w);
    return steps;
  }
  return [];
}

/** Values of charts/release-ledger for one environment. */
export function serviceChartValues(input: ServiceValuesInput): Record<string, unknown> {
  const env = input.environment;
  if (!/@sha256:[0-9a-f]{64}$/.test(input.imageRef)) {
    throw new Error(`Image "${input.imageRef}" is not pinned by digest; deploy <repository>@sha256:<64 hex>.`);
  }
  // The same plain variables as the ECS task (service contract); the log group and container name are ECS-only.
  const plain = serviceEnvironment({
    containerName: "service",
    image: input.imageRef,
    port: env.service.port,
    environmentName: env.name,
    shutdownTimeoutMs: env.service.shutdownTimeoutMs,
    oidc: env.oidc,
    database: input.database,
    redis: input.redis,
    logGroupName: "",
    region: env.awsRegion,
  });
  const progressive = env.deployment.strategy !== "rolling";
  return {
    image: { ref: input.imageRef },
    port: env.service.port,
    replicas: { min: env.service.minTasks, max: env.service.maxTasks, cpuTargetPercent: 60 },
    resources: {
      requests: { cpu: cpuMillicores(env.service.cpu), memory: `${env.service.memoryMb}Mi` },
      // Memory is limited (a leak is killed, not the node); CPU is not, so a burst is never throttled.
      limits: { memory: `${env.service.memoryMb}Mi` },
    },
    shutdownTimeoutSeconds: Math.ceil(env.service.shutdownTimeoutMs / 1000),
    terminationMarginSeconds: STOP_TIMEOUT_MARGIN_SECONDS,
    env: Object.fromEntries(plain.map((v) => [v.name, v.value])),
    serviceAccount: { name: SERVICE_ACCOUNT },
    secrets: {
      enabled: true,
      region: env.awsRegion,
      databaseSecretArn: input.database.masterSecretArn,
      redisSecretArn: input.redis.authSecretArn,
    },
    targetGroupBinding: {
      enabled: true,
      ...(input.targetGroupArn === undefined ? {} : { targetGroupArn: input.targetGroupArn }),
      ...(input.migrationTargetGroupArn === undefined ? {} : { migrationTargetGroupArn: input.migrationTargetGroupArn }),
      ...(input.multiCluster ? { multiCluster: true } : {}),
    },
    networkPolicy: { ingressCidrs: [input.vpcCidr], egressCidrs: [input.vpcCidr], egressPorts: [input.database.port, input.redis.port, 443] },
    mesh: meshChartValues(env),
    rollout: {
      enabled: progressive,
      weights: rolloutWeights(env.deployment),
      bakeMinutes: env.deployment.bakeMinutes,
      analysis: {
        region: env.awsRegion,
        loadBalancer: input.albArnSuffix,
        max5xxRatePercent: env.deployment.alarm5xxRatePercent,
        maxP99LatencyMs: env.deployment.alarmP99LatencyMs,
      },
    },
  };
}

/** The chart's mesh values: Istio ambient (meshMode istio-ambient) with the environment's mTLS and routes. */
export function meshChartValues(env: Pick<Environment, "mesh">): Record<string, unknown> {
  return {
    enabled: env.mesh.mode === "istio-ambient",
    mtlsMode: env.mesh.mtls ? "STRICT" : "PERMISSIVE",
    waypointName: WAYPOINT_NAME,
    routes: env.mesh.routes.map((r) => ({ pathPrefix: r.pathPrefix, timeout: `${r.timeoutSeconds}s`, retries: r.retries })),
  };
}

/** Values of the External Secrets Operator release: its service account is the one Pod Identity binds. */
export function externalSecretsValues(): Record<string, unknown> {
  return {
    installCRDs: true,
    serviceAccount: { create: true, name: SECRETS_OPERATOR_ACCOUNT },
    // Pod Identity needs no annotation (unlike IRSA): the association names namespace and service account.
    securityContext: { runAsNonRoot: true, readOnlyRootFilesystem: true, allowPrivilegeEscalation: false },
  };
}

/**
 * The Argo Rollouts Gateway API plugin, pinned: with Istio ambient it moves the HTTPRoute's weights during a
 * canary. The controller downloads it from the release page when it starts (the nodes reach it through NAT).
 */
export const GATEWAY_API_ROLLOUTS_PLUGIN = {
  name: "argoproj-labs/gatewayAPI",
  location: "https://github.com/argoproj-labs/rollouts-plugin-trafficrouter-gatewayapi/releases/download/v0.8.0/gatewayapi-plugin-linux-amd64",
} as const;

/** Values of the Argo Rollouts release: the controller only; no dashboard exposed; the Gateway API plugin with Istio. */
export function argoRolloutsValues(env?: Pick<Environment, "mesh">): Record<string, unknown> {
  const gatewayApi = env?.mesh.mode === "istio-ambient";
  return {
    installCRDs: true,
    dashboard: { enabled: false },
    controller: { replicas: 2, metrics: { enabled: true }, ...(gatewayApi ? { trafficRouterPlugins: [GATEWAY_API_ROLLOUTS_PLUGIN] } : {}) },
    serviceAccount: { create: true, name: ROLLOUTS_ACCOUNT },
    ...(gatewayApi ? { providerRBAC: { providers: { gatewayAPI: true } } } : {}),
  };
}

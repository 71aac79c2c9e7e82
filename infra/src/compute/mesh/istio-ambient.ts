/**
 * Istio in ambient mode on the EKS Auto Mode cluster (environment mesh.mode istio-ambient): the Gateway API CRDs and
 * Istio's four charts as pinned Helm releases (base, istiod, cni, ztunnel), the security-group rules ambient needs
 * between Auto Mode nodes, and the labels that enrol the service's namespace. No sidecars: ztunnel on every node
 * carries the pods' traffic over mTLS, and the namespace's waypoint (charts/release-ledger) applies L7 policy.
 */
import * as aws from "@pulumi/aws";
import type * as k8s from "@pulumi/kubernetes";
import * as pulumi from "@pulumi/pulumi";
import type { Environment } from "../../environment/environment";
import { serviceRole } from "../../iam/service-role";
import { ISTIO_NAMESPACE, podIdentityTrustPolicy } from "../eks/cluster-policies";
import { kubernetesSdk } from "../eks/kubernetes-sdk";
import type { MeshMetrics } from "./mesh-metrics";

/**
 * Istio's version: its charts' version, and so istiod, istio-cni and ztunnel. 1.30 is the newest minor with patch
 * releases (1.30.5) at the time of writing; 1.28 and older do not support Kubernetes 1.35.
 */
export const ISTIO_VERSION = "1.30.5";
/** Where Istio publishes its Helm charts. */
export const ISTIO_CHART_REPOSITORY = "https://istio-release.storage.googleapis.com/charts";

/**
 * Gateway API CRDs, pinned. Istio 1.30 wants at least v1.5.0; the experimental channel, because the HTTPRoute
 * `retry` field the routes use is experimental until Gateway API v1.7.
 */
export const GATEWAY_API_VERSION = "v1.5.0";
export const GATEWAY_API_CRDS_URL = `https://github.com/kubernetes-sigs/gateway-api/releases/download/${GATEWAY_API_VERSION}/experimental-install.yaml`;

/** The namespace's waypoint: the Gateway (class istio-waypoint) charts/release-ledger creates. */
export const WAYPOINT_NAME = "waypoint";

/** Labels that put a namespace's pods in the ambient mesh and send its services' traffic through the waypoint. */
export const AMBIENT_NAMESPACE_LABELS = {
  "istio.io/dataplane-mode": "ambient",
  "istio.io/use-waypoint": WAYPOINT_NAME,
} as const;

/**
 * Ports ambient needs open between the cluster's members (Auto Mode nodes and the control plane share the cluster
 * security group): HBONE between ztunnels and waypoints, and the control plane calling istiod's webhook.
 */
export const AMBIENT_PORTS = [
  { port: 15008, description: "Istio ambient HBONE between ztunnels and waypoints" },
  { port: 15017, description: "EKS control plane to istiod's admission webhook" },
] as const;

/** Istio's charts in the order they install: base (CRDs) first, then the control plane, then the node agents. */
export const ISTIO_CHARTS = ["base", "istiod", "cni", "ztunnel"] as const;
export type IstioChart = (typeof ISTIO_CHARTS)[number];

/** Helm release names, as Istio's own installation guide names them. */
export const ISTIO_RELEASE_NAMES: Readonly<Record<IstioChart, string>> = {
  base: "istio-base",
  istiod: "istiod",
  cni: "istio-cni",
  ztunnel: "ztunnel",
};

/** Auto Mode's system node pool: its nodes carry this taint and label. istiod runs there, away from workloads. */
const SYSTEM_POOL = { label: { "karpenter.sh/nodepool": "system" }, toleration: { key: "CriticalAddonsOnly", operator: "Exists" } };

/** Values of each Istio chart for an environment. Pure, so tests read exactly what Helm gets. */
export function istioChartValues(env: Pick<Environment, "isProduction">): Record<IstioChart, Record<string, unknown>> {
  return {
    base: {},
    // The istiod chart takes these at the top level (its values.yaml keeps the defaults under
    // _internal_defaults_do_not_set); the older `pilot.*` keys are ignored by it.
    istiod: {
      profile: "ambient",
      // Two replicas in production, so a node replacement never stops certificate issuance.
      autoscaleMin: env.isProduction ? 2 : 1,
      nodeSelector: SYSTEM_POOL.label,
      tolerations: [SYSTEM_POOL.toleration],
      // The waypoint and the ingress gateway run in the service's namespace, which enforces the restricted Pod
      // Security Standard; Istio's gateway templates set seccomp only when asked.
      gateways: { seccompProfile: { type: "RuntimeDefault" } },
    },
    cni: { profile: "ambient" },
    ztunnel: {},
  };
}

/** Where the waypoint's Istio metrics land in CloudWatch. */
export const ISTIO_METRICS_NAMESPACE = "ReleaseLedger/Mesh";
/** The CloudWatch agent of the amazon-cloudwatch-observability add-on: its namespace and service account. */
export const CLOUDWATCH_AGENT = { addon: "amazon-cloudwatch-observability", namespace: "amazon-cloudwatch", serviceAccount: "cloudwatch-agent" } as const;

/**
 * The add-on's configuration: its CloudWatch agent scrapes the waypoint's Envoy (port 15020, the pod's merged
 * Prometheus endpoint) and sends istio_requests_total to CloudWatch as EMF. Only the waypoint is scraped: every
 * request to the service passes it (the ingress gateway is told to use it), so nothing is counted twice.
 * response_code 5xx becomes response_class "5xx", so the 5xx count is a metric of its own the alarm can read.
 */
export function cloudWatchAgentConfiguration(env: Pick<Environment, "name">, namespace: string): Record<string, unknown> {
  return {
    agent: {
      config: {
        logs: {
          metrics_collected: {
            prometheus: {
              emf_processor: {
                metric_namespace: ISTIO_METRICS_NAMESPACE,
                metric_declaration: [
                  {
                    source_labels: ["job"],
                    label_matcher: "^istio-waypoint$",
                    dimensions: [
                      ["Environment", "destination_service_name"],
                      ["Environment", "destination_service_name", "response_class"],
                    ],
                    metric_selectors: ["^istio_requests_total$"],
                  },
                ],
              },
            },
          },
        },
      },
      prometheus: {
        config: {
          global: { scrape_interval: "60s", scrape_timeout: "10s" },
          scrape_configs: [
            {
              job_name: "istio-waypoint",
              metrics_path: "/stats/prometheus",
              kubernetes_sd_configs: [{ role: "pod", namespaces: { names: [namespace] } }],
              relabel_configs: [
                { source_labels: ["__meta_kubernetes_pod_label_gateway_networking_k8s_io_gateway_name"], regex: WAYPOINT_NAME, action: "keep" },
                { source_labels: ["__address__"], regex: "([^:]+)(?::\\d+)?", replacement: "$1:15020", target_label: "__address__" },
                { target_label: "Environment", replacement: env.name },
              ],
              metric_relabel_configs: [{ source_labels: ["response_code"], regex: "5..", replacement: "5xx", target_label: "response_class" }],
            },
          ],
        },
      },
    },
  };
}

/** The waypoint's metrics of the service in CloudWatch, in the mesh's common shape (dashboard, mesh alarm). */
export function istioMeshMetrics(environmentName: string, serviceName: string): MeshMetrics {
  const service = { Environment: environmentName, destination_service_name: serviceName };
  return {
    mode: "istio-ambient",
    namespace: ISTIO_METRICS_NAMESPACE,
    requests: { metricName: "istio_requests_total", dimensions: service, stat: "Sum" },
    errors: { metricName: "istio_requests_total", dimensions: { ...service, response_class: "5xx" }, stat: "Sum" },
  };
}

export interface IstioAmbientArgs {
  readonly environment: Environment;
  /** The cluster security group (Auto Mode nodes and the control plane's interfaces are in it). */
  readonly clusterSecurityGroupId: pulumi.Input<string>;
  /** The EKS cluster's name (the CloudWatch add-on and its Pod Identity). */
  readonly clusterName: pulumi.Input<string>;
  /** Namespace of the service, whose waypoint's metrics are sent to CloudWatch. */
  readonly serviceNamespace: string;
  readonly tags?: Record<string, string>;
}

/**
 * Istio ambient on the cluster. Construct it with the cluster's Kubernetes provider in `providers`; `ready` is what
 * the service's release waits for (its chart creates Gateways, an HTTPRoute and Istio policies).
 */
export class IstioAmbient extends pulumi.ComponentResource {
  readonly gatewayApiCrds: k8s.yaml.v2.ConfigFile;
  readonly releases: Readonly<Record<IstioChart, k8s.helm.v3.Release>>;
  readonly ready: pulumi.Resource[];

  constructor(name: string, args: IstioAmbientArgs, opts?: pulumi.ComponentResourceOptions) {
    super("platform:compute:IstioAmbient", name, {}, opts);
    const env = args.environment;
    if (env.mesh.mode !== "istio-ambient") {
      throw new pulumi.ResourceError(`IstioAmbient needs meshMode istio-ambient; ${env.name} has ${env.mesh.mode}.`, this);
    }
    const parent = { parent: this };

    for (const rule of AMBIENT_PORTS) {
      new aws.vpc.SecurityGroupIngressRule(
        `${name}-${rule.port}`,
        {
          securityGroupId: args.clusterSecurityGroupId,
          referencedSecurityGroupId: args.clusterSecurityGroupId,
          ipProtocol: "tcp",
          fromPort: rule.port,
          toPort: rule.port,
          description: rule.description,
          tags: args.tags,
        },
        parent,
      );
    }

    const kubernetes = kubernetesSdk();
    this.gatewayApiCrds = new kubernetes.yaml.v2.ConfigFile(`${name}-gateway-api-crds`, { file: GATEWAY_API_CRDS_URL }, parent);

    const values = istioChartValues(env);
    const releases: Partial<Record<IstioChart, k8s.helm.v3.Release>> = {};
    let previous: pulumi.Resource = this.gatewayApiCrds;
    for (const chart of ISTIO_CHARTS) {
      const release = new kubernetes.helm.v3.Release(
        `${name}-${ISTIO_RELEASE_NAMES[chart]}`,
        {
          name: ISTIO_RELEASE_NAMES[chart],
          chart,
          version: ISTIO_VERSION,
          repositoryOpts: { repo: ISTIO_CHART_REPOSITORY },
          namespace: ISTIO_NAMESPACE,
          createNamespace: chart === "base",
          atomic: true,
          values: values[chart],
        },
        { parent: this, dependsOn: [previous] },
      );
      releases[chart] = release;
      previous = release;
    }
    this.releases = releases as Record<IstioChart, k8s.helm.v3.Release>;
    this.ready = [this.gatewayApiCrds, ...ISTIO_CHARTS.map((c) => this.releases[c])];

    // ---- Mesh metrics to CloudWatch: the CloudWatch agent add-on, allowed to put metrics through Pod Identity ----
    const identity = aws.getCallerIdentityOutput({}, parent);
    const partition = aws.getPartitionOutput({}, parent);
    const agentRole = serviceRole(
      `${name}-cloudwatch-agent`,
      {
        description: `CloudWatch agent on ${env.name}'s EKS cluster: the mesh's metrics`,
        account: { partition: partition.partition, accountId: identity.accountId, clusterName: args.clusterName },
        trust: ({ accountId, clusterName }) =>
          podIdentityTrustPolicy({ accountId, clusterName, namespace: CLOUDWATCH_AGENT.namespace, serviceAccount: CLOUDWATCH_AGENT.serviceAccount }),
        ...(args.tags === undefined ? {} : { tags: args.tags }),
      },
      parent,
    );
    new aws.iam.RolePolicyAttachment(
      `${name}-cloudwatch-agent-policy`,
      { role: agentRole.name, policyArn: pulumi.interpolate`arn:${partition.partition}:iam::aws:policy/CloudWatchAgentServerPolicy` },
      parent,
    );
    new aws.eks.Addon(
      `${name}-cloudwatch-observability`,
      {
        clusterName: args.clusterName,
        addonName: CLOUDWATCH_AGENT.addon,
        configurationValues: JSON.stringify(cloudWatchAgentConfiguration(env, args.serviceNamespace)),
        podIdentityAssociations: [{ roleArn: agentRole.arn, serviceAccount: CLOUDWATCH_AGENT.serviceAccount }],
        tags: args.tags,
      },
      parent,
    );
    this.registerOutputs({});
  }
}

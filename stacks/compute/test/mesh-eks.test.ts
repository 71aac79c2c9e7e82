/* eslint-disable @typescript-eslint/no-explicit-any -- recorded mock inputs are untyped JSON; the assertions give them shape. */
import { expect, it } from "vitest";
import { AMBIENT_PORTS, GATEWAY_API_CRDS_URL, ISTIO_CHART_REPOSITORY, ISTIO_VERSION, SERVICE_CHART_PATH } from "@platform/infra";
import type { ComputeRun } from "./compute-harness";
import { dashboardGroups, meshSuite, type MeshReader } from "./mesh-suite";

const RELEASE = "kubernetes:helm.sh/v3:Release";
const releaseValues = (run: ComputeRun, chart: string) => run.resources.find((r) => r.type === RELEASE && r.inputs.chart === chart)?.inputs.values as any;

/** Istio ambient (the chart's mesh values and the operators' settings) read as the platform-neutral mesh view. */
const readEks: MeshReader = (run) => {
  const chart = releaseValues(run, SERVICE_CHART_PATH);
  const rollouts = releaseValues(run, "argo-rollouts");
  const istiod = releaseValues(run, "istiod");
  return {
    mode: chart.mesh.enabled && istiod?.profile === "ambient" ? "istio-ambient" : "none",
    mtls: chart.mesh.mtlsMode === "STRICT",
    routes: (chart.mesh.routes as any[]).map((r) => ({
      pathPrefix: r.pathPrefix,
      timeoutSeconds: Number(String(r.timeout).replace(/s$/, "")),
      retries: r.retries,
    })),
    // The chart's Service is named after the release: release-ledger.<namespace>.svc inside the mesh.
    serviceName: String(run.resources.find((r) => r.type === RELEASE && r.inputs.chart === SERVICE_CHART_PATH)?.inputs.name),
    rollbackAlarms: run.outputs.deploymentAlarmNames as string[],
    dashboardGroups: dashboardGroups(run),
    // Argo Rollouts weights the HTTPRoute through the Gateway API plugin (the chart wires the Rollout to it).
    canaryThroughMesh:
      chart.rollout.enabled === true && (rollouts.controller.trafficRouterPlugins as any[] | undefined)?.[0]?.name === "argoproj-labs/gatewayAPI",
  };
};

meshSuite("staging-eks", readEks, (run) => {
  it("installs the Gateway API CRDs, then base, istiod, cni and ztunnel, each pinned to one Istio version", () => {
    const crds = run().resources.find((r) => r.type === "kubernetes:yaml/v2:ConfigFile");
    expect(crds?.inputs.file).toBe(GATEWAY_API_CRDS_URL);
    const istio = run().resources.filter((r) => r.type === RELEASE && r.inputs.namespace === "istio-system");
    expect(istio.map((r) => [r.inputs.name, r.inputs.chart, r.inputs.version, (r.inputs.repositoryOpts as any).repo])).toEqual([
      ["istio-base", "base", ISTIO_VERSION, ISTIO_CHART_REPOSITORY],
      ["istiod", "istiod", ISTIO_VERSION, ISTIO_CHART_REPOSITORY],
      ["istio-cni", "cni", ISTIO_VERSION, ISTIO_CHART_REPOSITORY],
      ["ztunnel", "ztunnel", ISTIO_VERSION, ISTIO_CHART_REPOSITORY],
    ]);
    expect(releaseValues(run(), "cni")).toEqual({ profile: "ambient" });
  });

  it("runs istiod on Auto Mode's system node pool and opens ambient's ports on the cluster security group", () => {
    expect(releaseValues(run(), "istiod")).toMatchObject({
      nodeSelector: { "karpenter.sh/nodepool": "system" },
      tolerations: [{ key: "CriticalAddonsOnly", operator: "Exists" }],
    });
    const rules = run().resources.filter((r) => r.type === "aws:vpc/securityGroupIngressRule:SecurityGroupIngressRule" && r.name.startsWith("service-mesh-"));
    expect(rules.map((r) => [r.inputs.fromPort, r.inputs.toPort, r.inputs.securityGroupId === r.inputs.referencedSecurityGroupId])).toEqual(
      AMBIENT_PORTS.map((p) => [p.port, p.port, true]),
    );
  });

  it("enrols the service's namespace in ambient mode with its waypoint, keeping the restricted Pod Security Standard", () => {
    // Istio's waypoint and gateway pods carry seccomp only when istiod is told to: restricted demands it.
    expect(releaseValues(run(), "istiod").gateways).toEqual({ seccompProfile: { type: "RuntimeDefault" } });
    expect(run().recorder.one("kubernetes:core/v1:Namespace").inputs.metadata).toMatchObject({
      labels: { "istio.io/dataplane-mode": "ambient", "istio.io/use-waypoint": "waypoint", "pod-security.kubernetes.io/enforce": "restricted" },
    });
  });

  it("sends the waypoint's istio_requests_total to CloudWatch through the CloudWatch agent add-on, with Pod Identity", () => {
    const addon = run().recorder.one("aws:eks/addon:Addon").inputs as any;
    expect(addon.addonName).toBe("amazon-cloudwatch-observability");
    expect(addon.podIdentityAssociations).toEqual([expect.objectContaining({ serviceAccount: "cloudwatch-agent" })]);
    const config = JSON.parse(addon.configurationValues);
    expect(config.agent.prometheus.config.scrape_configs[0]).toMatchObject({ job_name: "istio-waypoint", metrics_path: "/stats/prometheus" });
    expect(config.agent.config.logs.metrics_collected.prometheus.emf_processor.metric_declaration[0].metric_selectors).toEqual(["^istio_requests_total$"]);
  });
});

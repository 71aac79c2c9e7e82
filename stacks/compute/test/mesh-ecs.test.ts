/* eslint-disable @typescript-eslint/no-explicit-any -- recorded mock inputs are untyped JSON; the assertions give them shape. */
import { expect, it } from "vitest";
import { NETWORK } from "./compute-harness";
import { dashboardGroups, inputsOf, meshSuite, type MeshReader } from "./mesh-suite";

const SERVICE = "aws:ecs/service:Service";

/** ECS Service Connect read as the platform-neutral mesh view. */
const readEcs: MeshReader = (run) => {
  const service = inputsOf(run, SERVICE);
  const connect = service.serviceConnectConfiguration;
  const entry = connect?.services?.[0];
  const ca = run.resources.find((r) => r.type === "aws:acmpca/certificateAuthority:CertificateAuthority");
  return {
    mode: connect?.enabled ? "service-connect" : "none",
    mtls: entry?.tls?.issuerCertAuthority?.awsPcaAuthorityArn !== undefined && ca !== undefined,
    // One timeout per service and no retry setting: the "/" route is the whole of it.
    routes: entry ? [{ pathPrefix: "/", timeoutSeconds: entry.timeout.perRequestTimeoutSeconds, retries: 0 }] : [],
    serviceName: entry?.clientAlias?.[0]?.dnsName,
    rollbackAlarms: service.alarms.alarmNames,
    dashboardGroups: dashboardGroups(run),
    // ECS shifts Service Connect traffic with the same deployment that shifts the ALB's (one service, one strategy).
    canaryThroughMesh: service.deploymentConfiguration?.strategy === "CANARY" && connect?.enabled === true,
  };
};

meshSuite("staging", readEcs, (run) => {
  it("puts the service in the environment's Cloud Map namespace, the cluster's default", () => {
    const namespace = inputsOf(run(), "aws:servicediscovery/httpNamespace:HttpNamespace");
    expect(namespace.name).toBe("staging.internal");
    const cluster = inputsOf(run(), "aws:ecs/cluster:Cluster");
    const arn = run().arnOf(run().recorder.one("aws:servicediscovery/httpNamespace:HttpNamespace"));
    expect(cluster.serviceConnectDefaults).toEqual({ namespace: arn });
    expect(inputsOf(run(), SERVICE).serviceConnectConfiguration).toMatchObject({
      namespace: arn,
      services: [{ portName: "http", discoveryName: "release-ledger" }],
    });
  });

  it("issues TLS certificates from a short-lived Private CA (50 USD a month, not 400) through ECS's TLS role", () => {
    const ca = inputsOf(run(), "aws:acmpca/certificateAuthority:CertificateAuthority");
    expect(ca).toMatchObject({ type: "ROOT", usageMode: "SHORT_LIVED_CERTIFICATE", tags: { AmazonECSManaged: "true" } });
    const tls = inputsOf(run(), SERVICE).serviceConnectConfiguration.services[0].tls;
    expect(tls.kmsKey).toBe(NETWORK.kmsKeyArn);
    expect(String(inputsOf(run(), "aws:iam/rolePolicyAttachment:RolePolicyAttachment", "mesh-tls-policy").policyArn)).toMatch(
      /:policy\/service-role\/AmazonECSInfrastructureRolePolicyForServiceConnectTransportLayerSecurity$/,
    );
    // The service starts only once the CA can issue.
    const installed = run().options.get(`${SERVICE}::service`)?.dependsOn as any[];
    expect(installed.length).toBeGreaterThanOrEqual(4);
  });

  it("alarms on Service Connect's own metrics in AWS/ECS", () => {
    const alarm = run().resources.find((r) => r.type === "aws:cloudwatch/metricAlarm:MetricAlarm" && r.inputs.name === "staging-mesh-5xx-rate")!;
    const metrics = (alarm.inputs.metricQueries as any[])
      .filter((q) => q.metric)
      .map((q) => [q.metric.namespace, q.metric.metricName, Object.keys(q.metric.dimensions).sort()]);
    expect(metrics).toEqual([
      ["AWS/ECS", "RequestCount", ["ClusterName", "DiscoveryName", "ServiceName"]],
      ["AWS/ECS", "HTTPCode_Target_5XX_Count", ["TargetDiscoveryName"]],
    ]);
  });
});

import { describe, expect, it } from "vitest";
import { loadEnvironment } from "../../environment";
import { parseMeshRoute } from "../../environment/mesh";
import { SERVICE_CONNECT_PORT_NAME, serviceConnectConfiguration, serviceConnectMetrics, serviceConnectNamespaceName } from "./service-connect";
import { meshAlarmQueries, meshAlarmSettings } from "./mesh-metrics";

const staging = loadEnvironment("staging");
const tls = {
  certificateAuthorityArn: "arn:aws:acm-pca:eu-west-1:123456789012:certificate-authority/ca",
  roleArn: "arn:aws:iam::123456789012:role/tls",
  kmsKeyArn: "arn:aws:kms:eu-west-1:123456789012:key/k",
};
const input = {
  environment: staging,
  namespaceArn: "arn:aws:servicediscovery:eu-west-1:123456789012:namespace/ns-1",
  serviceName: "release-ledger",
  logGroupName: "/platform/staging/release-ledger",
  region: "eu-west-1",
};

describe("the Service Connect block of the ECS service", () => {
  it("fronts the task's http port mapping under the service's name, with the environment's route timeout", () => {
    expect(serviceConnectConfiguration({ ...input, tls })).toEqual({
      enabled: true,
      namespace: input.namespaceArn,
      services: [
        {
          portName: SERVICE_CONNECT_PORT_NAME,
          discoveryName: "release-ledger",
          clientAlias: [{ dnsName: "release-ledger", port: 8080 }],
          timeout: { perRequestTimeoutSeconds: 15, idleTimeoutSeconds: 60 },
          // The proxy moves off the container port, which the ALB reaches in plain HTTP.
          ingressPortOverride: 8081,
          tls: { issuerCertAuthority: { awsPcaAuthorityArn: tls.certificateAuthorityArn }, roleArn: tls.roleArn, kmsKey: tls.kmsKeyArn },
        },
      ],
      logConfiguration: {
        logDriver: "awslogs",
        options: { "awslogs-group": input.logGroupName, "awslogs-region": "eu-west-1", "awslogs-stream-prefix": "service-connect" },
      },
    });
  });

  it("encrypts only when meshMtls is on, and refuses mTLS without a CA", () => {
    const plain = { ...staging, mesh: { ...staging.mesh, mtls: false } };
    const services = serviceConnectConfiguration({ ...input, environment: plain }).services as unknown as Record<string, unknown>[];
    expect(services[0]).not.toHaveProperty("tls");
    expect(services[0]).not.toHaveProperty("ingressPortOverride");
    expect(() => serviceConnectConfiguration(input)).toThrow("meshMtls is on but no Private CA was given");
  });

  it("keeps idle connections open longer than the longest request", () => {
    const slow = { ...staging, mesh: { ...staging.mesh, routes: [parseMeshRoute("/ timeout=45s")] } };
    expect(serviceConnectConfiguration({ ...input, environment: slow, tls }).services).toMatchObject([
      { timeout: { perRequestTimeoutSeconds: 45, idleTimeoutSeconds: 90 } },
    ]);
  });

  it("is only built for the service-connect mode", () => {
    expect(() => serviceConnectConfiguration({ ...input, environment: loadEnvironment("prod") })).toThrow(
      "needs mesh mode service-connect; this environment's is none",
    );
  });

  it("names one namespace per environment", () => {
    expect(serviceConnectNamespaceName("staging")).toBe("staging.internal");
  });
});

describe("the mesh 5xx alarm on Service Connect's metrics", () => {
  it("divides the 5xx per TargetDiscoveryName by the inbound requests per DiscoveryName, against alarm5xxRatePercent", () => {
    const queries = meshAlarmQueries(serviceConnectMetrics("staging-cluster", "release-ledger"));
    expect(queries).toEqual([
      {
        id: "requests",
        returnData: false,
        metric: {
          namespace: "AWS/ECS",
          metricName: "RequestCount",
          dimensions: { ClusterName: "staging-cluster", ServiceName: "release-ledger", DiscoveryName: "release-ledger" },
          period: 60,
          stat: "Sum",
        },
      },
      {
        id: "errors",
        returnData: false,
        metric: {
          namespace: "AWS/ECS",
          metricName: "HTTPCode_Target_5XX_Count",
          dimensions: { TargetDiscoveryName: "release-ledger" },
          period: 60,
          stat: "Sum",
        },
      },
      { id: "rate", label: "Mesh 5xx % of requests", returnData: true, expression: "IF(requests > 0, 100 * FILL(errors, 0) / requests, 0)" },
    ]);
    expect(meshAlarmSettings(staging)).toMatchObject({
      name: "staging-mesh-5xx-rate",
      threshold: staging.deployment.alarm5xxRatePercent,
      treatMissingData: "notBreaching",
    });
    expect(meshAlarmSettings(staging).alarmDescription).toContain("docs/runbooks.md#mesh-5xx-rate");
  });
});

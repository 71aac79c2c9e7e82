import { describe, expect, it } from "vitest";
import { meshMtlsInProduction, meshNoAppMesh, meshRouteTimeouts } from "./mesh";
import { resource, PROD, STAGING } from "./testing";

const SERVICE = "aws:ecs/service:Service";
const RELEASE = "kubernetes:helm.sh/v3:Release";
const CA = "arn:aws:acm-pca:eu-west-1:123456789012:certificate-authority/ca";

const ecs = (entry: Record<string, unknown>) =>
  resource(SERVICE, {
    serviceConnectConfiguration: { enabled: true, namespace: "ns", services: [{ portName: "http", discoveryName: "release-ledger", ...entry }] },
  });
const chart = (mesh: Record<string, unknown>) =>
  resource(RELEASE, {
    chart: "/repo/charts/release-ledger",
    values: { mesh: { enabled: true, mtlsMode: "STRICT", routes: [{ pathPrefix: "/", timeout: "15s", retries: 2 }], ...mesh } },
  });

describe("mesh-no-app-mesh", () => {
  it("refuses any App Mesh resource, naming what to use instead", () => {
    expect(meshNoAppMesh.validate(resource("aws:appmesh/mesh:Mesh", {}), STAGING)).toEqual([expect.stringContaining("use ECS Service Connect")]);
    expect(meshNoAppMesh.validate(resource("aws:servicediscovery/httpNamespace:HttpNamespace", {}), STAGING)).toEqual([]);
  });
});

describe("mesh-mtls-production", () => {
  it("passes Service Connect with TLS and Istio STRICT in production, and anything outside production", () => {
    expect(meshMtlsInProduction.validate(ecs({ tls: { issuerCertAuthority: { awsPcaAuthorityArn: CA } } }), PROD)).toEqual([]);
    expect(meshMtlsInProduction.validate(chart({}), PROD)).toEqual([]);
    expect(meshMtlsInProduction.validate(ecs({}), STAGING)).toEqual([]);
    expect(meshMtlsInProduction.validate(chart({ mtlsMode: "PERMISSIVE" }), STAGING)).toEqual([]);
  });
  it("fails plaintext meshes in production, saying how to fix it", () => {
    expect(meshMtlsInProduction.validate(ecs({}), PROD)).toEqual([expect.stringContaining("release-ledger has no tls; set meshMtls: true")]);
    expect(meshMtlsInProduction.validate(chart({ mtlsMode: "PERMISSIVE" }), PROD)).toEqual([expect.stringContaining('"PERMISSIVE"; production needs STRICT')]);
  });
  it("ignores services and releases without a mesh", () => {
    expect(meshMtlsInProduction.validate(resource(SERVICE, {}), PROD)).toEqual([]);
    expect(meshMtlsInProduction.validate(resource(RELEASE, { values: { mesh: { enabled: false, mtlsMode: "PERMISSIVE" } } }), PROD)).toEqual([]);
  });
});

describe("mesh-route-timeouts", () => {
  it("passes a Service Connect timeout and timed Istio routes with a catch-all", () => {
    expect(meshRouteTimeouts.validate(ecs({ timeout: { perRequestTimeoutSeconds: 15 } }), STAGING)).toEqual([]);
    expect(
      meshRouteTimeouts.validate(
        chart({
          routes: [
            { pathPrefix: "/", timeout: "15s" },
            { pathPrefix: "/v1/metrics", timeout: "30s" },
          ],
        }),
        STAGING,
      ),
    ).toEqual([]);
  });
  it("fails a mesh without timeouts, or without a catch-all route", () => {
    expect(meshRouteTimeouts.validate(ecs({}), STAGING)).toEqual([expect.stringContaining("no per-request timeout")]);
    expect(meshRouteTimeouts.validate(ecs({ timeout: { perRequestTimeoutSeconds: 0 } }), STAGING)).toEqual([expect.stringContaining("no per-request timeout")]);
    expect(meshRouteTimeouts.validate(chart({ routes: [{ pathPrefix: "/v1" }] }), STAGING)).toEqual([
      expect.stringContaining("routes /v1 have no timeout"),
      expect.stringContaining('no "/" route'),
    ]);
  });
  it("leaves values a preview does not know yet alone", () => {
    expect(meshRouteTimeouts.validate(resource(SERVICE, { serviceConnectConfiguration: undefined }), STAGING)).toEqual([]);
    expect(meshRouteTimeouts.validate(resource(RELEASE, { values: undefined }), STAGING)).toEqual([]);
  });
});

/**
 * The service mesh's rules, for both meshes the platform offers: ECS Service Connect (the ECS service's
 * serviceConnectConfiguration) and Istio ambient (the service chart's mesh values). AWS App Mesh reached end of
 * support on 2026-09-30, so none of its resources may appear. In a real preview a value not yet known is undefined;
 * the rules judge only what is known.
 */
import type { ResourceRule } from "./types";
import { asArray, asNumber, asRecord } from "./values";

const ECS_SERVICE = "aws:ecs/service:Service";
const RELEASE = "kubernetes:helm.sh/v3:Release";

/** The Service Connect entries of an ECS service that has Service Connect on; empty otherwise. */
function serviceConnectEntries(props: Readonly<Record<string, unknown>>): Readonly<Record<string, unknown>>[] {
  const connect = asRecord(props.serviceConnectConfiguration);
  if (connect?.enabled !== true) return [];
  return asArray(connect.services)
    .map(asRecord)
    .filter((s): s is Readonly<Record<string, unknown>> => s !== undefined);
}

/** The mesh values of a Helm release that enables the chart's Istio mesh; undefined otherwise. */
function istioMesh(props: Readonly<Record<string, unknown>>): Readonly<Record<string, unknown>> | undefined {
  const mesh = asRecord(asRecord(props.values)?.mesh);
  return mesh?.enabled === true ? mesh : undefined;
}

export const meshNoAppMesh: ResourceRule = {
  kind: "resource",
  name: "mesh-no-app-mesh",
  description: "No AWS App Mesh resources: it reached end of support on 2026-09-30 (use meshMode service-connect on ECS, istio-ambient on EKS).",
  level: "mandatory",
  validate({ type }) {
    return type.startsWith("aws:appmesh/")
      ? ["AWS App Mesh is end of support (2026-09-30); use ECS Service Connect (meshMode service-connect) or Istio ambient (meshMode istio-ambient)"]
      : [];
  },
};

export const meshMtlsInProduction: ResourceRule = {
  kind: "resource",
  name: "mesh-mtls-production",
  description: "In production a mesh encrypts and authenticates its calls: Service Connect TLS from a Private CA, or Istio STRICT mTLS (meshMtls: true).",
  level: "mandatory",
  types: [ECS_SERVICE, RELEASE],
  validate({ props }, environment) {
    if (!environment.isProduction) return [];
    const problems: string[] = [];
    for (const entry of serviceConnectEntries(props)) {
      const tls = asRecord(entry.tls);
      if (tls === undefined && entry.tls === undefined) {
        problems.push(
          `Service Connect service ${String(entry.discoveryName ?? entry.portName)} has no tls; set meshMtls: true (a short-lived Private CA, about 50 USD a month)`,
        );
      }
    }
    const mesh = istioMesh(props);
    if (mesh !== undefined && mesh.mtlsMode !== undefined && mesh.mtlsMode !== "STRICT") {
      problems.push(`Istio PeerAuthentication is ${JSON.stringify(mesh.mtlsMode)}; production needs STRICT (meshMtls: true)`);
    }
    return problems;
  },
};

export const meshRouteTimeouts: ResourceRule = {
  kind: "resource",
  name: "mesh-route-timeouts",
  description: 'Every request through the mesh has a timeout: Service Connect\'s per-request timeout, or a timeout on every Istio route including "/".',
  level: "mandatory",
  types: [ECS_SERVICE, RELEASE],
  validate({ props }) {
    const problems: string[] = [];
    for (const entry of serviceConnectEntries(props)) {
      const timeout = asRecord(entry.timeout);
      if (timeout === undefined && entry.timeout !== undefined) continue;
      const seconds = asNumber(timeout?.perRequestTimeoutSeconds);
      if (timeout?.perRequestTimeoutSeconds !== undefined && seconds === undefined) continue;
      if (seconds === undefined || seconds <= 0) {
        problems.push(`Service Connect service ${String(entry.discoveryName ?? entry.portName)} has no per-request timeout; set the "/" route of meshRoutes`);
      }
    }
    const mesh = istioMesh(props);
    if (mesh !== undefined && Array.isArray(mesh.routes)) {
      const routes = mesh.routes.map(asRecord);
      const untimed = routes.filter((r) => typeof r?.timeout !== "string" || !/^\d+(ms|s|m)$/.test(r.timeout));
      if (untimed.length > 0)
        problems.push(`Istio routes ${untimed.map((r) => String(r?.pathPrefix)).join(", ")} have no timeout; give each meshRoutes entry timeout=<seconds>s`);
      if (!routes.some((r) => r?.pathPrefix === "/"))
        problems.push('Istio routes have no "/" route, so some requests have no timeout; add "/ timeout=<seconds>s" to meshRoutes');
    }
    return problems;
  },
};

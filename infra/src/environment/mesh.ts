/**
 * The service mesh settings of an environment: which mesh (none, ECS Service Connect, Istio ambient), mutual TLS,
 * and per-route timeouts and retries. Platform-neutral: the compute platform decides which mode it can run, and
 * each platform turns the same settings into its own resources (infra/src/compute/mesh/).
 */

/** Mesh modes. AWS App Mesh reached end of support on 2026-09-30, so it is deliberately not one of them. */
export const MESH_MODES = ["none", "service-connect", "istio-ambient"] as const;
export type MeshMode = (typeof MESH_MODES)[number];

/** The one compute platform each mesh runs on; "none" runs anywhere. */
export const MESH_PLATFORM: Readonly<Record<Exclude<MeshMode, "none">, string>> = {
  "service-connect": "ecs",
  "istio-ambient": "eks",
};

/** One route of the service, matched by path prefix, with what the mesh does for its requests. */
export interface MeshRoute {
  /** Path prefix, e.g. "/" (every request) or "/v1/metrics". */
  readonly pathPrefix: string;
  /** Time a request may take end to end before the mesh answers 504, in seconds. */
  readonly timeoutSeconds: number;
  /** Extra attempts after a failed one (connection failure or 503); 0 = none. */
  readonly retries: number;
}

/**
 * The ALB in front closes a connection idle for 60 s (its default idle timeout), so a longer route timeout
 * would never fire: the client would see the ALB's 504 first.
 */
export const MAX_ROUTE_TIMEOUT_SECONDS = 60;
/** More attempts than this turn a slow dependency into a retry storm. */
export const MAX_ROUTE_RETRIES = 5;

const ROUTE_PATTERN = /^(\/[A-Za-z0-9._~/-]*) +timeout=(\d+)s(?: +retries=(\d+))?$/;

/** How a route is written in meshRoutes. */
export const MESH_ROUTE_FORMAT = '"<path prefix> timeout=<seconds>s [retries=<n>]", e.g. "/v1/metrics timeout=30s retries=1"';

/** Parses one meshRoutes entry; throws Error saying what is wrong and how it is written. */
export function parseMeshRoute(entry: string): MeshRoute {
  const problem = meshRouteProblem(entry);
  if (problem) throw new Error(`meshRoutes entry "${entry}" ${problem}`);
  const [, pathPrefix, timeout, retries] = ROUTE_PATTERN.exec(entry.trim())!;
  return { pathPrefix: pathPrefix!, timeoutSeconds: Number(timeout), retries: retries === undefined ? 0 : Number(retries) };
}

/** What is wrong with one meshRoutes entry, or undefined when it is good. */
export function meshRouteProblem(entry: string): string | undefined {
  const match = ROUTE_PATTERN.exec(entry.trim());
  if (!match) return `is not a route; write it as ${MESH_ROUTE_FORMAT}`;
  const [, pathPrefix, timeout, retries] = match;
  if (pathPrefix!.length > 1 && pathPrefix!.endsWith("/")) return `has a trailing slash; write the prefix as ${pathPrefix!.slice(0, -1)}`;
  const seconds = Number(timeout);
  if (seconds < 1 || seconds > MAX_ROUTE_TIMEOUT_SECONDS) {
    return `has timeout=${seconds}s; use 1 to ${MAX_ROUTE_TIMEOUT_SECONDS} s (the ALB closes idle connections after ${MAX_ROUTE_TIMEOUT_SECONDS} s)`;
  }
  if (retries !== undefined && Number(retries) > MAX_ROUTE_RETRIES) return `has retries=${retries}; use 0 to ${MAX_ROUTE_RETRIES}`;
  return undefined;
}

/** A problem with the mesh settings as a whole: the key at fault and what to do. */
export interface MeshSettingsProblem {
  readonly key: "meshMode" | "meshMtls" | "meshRoutes";
  readonly message: string;
}

/**
 * The rules between the mesh settings and the compute platform. Each problem names the key and the fix, because
 * it is shown to the person editing the environment file.
 */
export function meshSettingsProblems(s: {
  readonly meshMode: MeshMode;
  readonly meshMtls: boolean;
  readonly meshRoutes: readonly string[];
  readonly computePlatform: string;
  /** EKS Auto Mode node pools (istio-ambient runs istiod on the system pool). */
  readonly eksNodePools?: readonly string[];
}): MeshSettingsProblem[] {
  const problems: MeshSettingsProblem[] = [];
  if (s.meshMode !== "none") {
    const platform = MESH_PLATFORM[s.meshMode];
    if (platform !== s.computePlatform) {
      const fit = Object.entries(MESH_PLATFORM).find(([, p]) => p === s.computePlatform)?.[0];
      problems.push({
        key: "meshMode",
        message:
          `is ${s.meshMode}, which runs on computePlatform ${platform} only (this environment is ${s.computePlatform}); ` +
          (fit ? `use ${fit} or none` : "use none"),
      });
    }
  }
  if (s.meshMode === "istio-ambient" && s.computePlatform === "eks" && s.eksNodePools && !s.eksNodePools.includes("system")) {
    problems.push({ key: "meshMode", message: "is istio-ambient, whose control plane (istiod) runs on the system node pool; add system to eksNodePools" });
  }
  if (s.meshMode === "none" && s.meshMtls) {
    problems.push({ key: "meshMtls", message: "is true while meshMode is none; there is no mesh to encrypt: pick a meshMode or set meshMtls: false" });
  }

  const routes = s.meshRoutes.filter((r) => meshRouteProblem(r) === undefined).map(parseMeshRoute);
  const prefixes = routes.map((r) => r.pathPrefix);
  const twice = prefixes.find((p, i) => prefixes.indexOf(p) !== i);
  if (twice !== undefined) problems.push({ key: "meshRoutes", message: `lists the prefix ${twice} twice; keep one entry per prefix` });
  if (s.meshRoutes.length > 0 && !prefixes.includes("/") && routes.length === s.meshRoutes.length) {
    problems.push({ key: "meshRoutes", message: 'has no "/" route; add one (e.g. "/ timeout=15s"), so every request has a timeout' });
  }
  if (s.meshMode === "service-connect") {
    // Service Connect sets one per-request timeout per service and has no retry setting.
    if (routes.length > 1) {
      problems.push({ key: "meshRoutes", message: 'has several routes, but Service Connect sets one timeout per service; keep only the "/" route' });
    }
    const retrying = routes.find((r) => r.retries > 0);
    if (retrying) {
      problems.push({
        key: "meshRoutes",
        message: `sets retries=${retrying.retries} on ${retrying.pathPrefix}, but Service Connect has no retry setting; write retries=0 or leave it out`,
      });
    }
  }
  return problems;
}

export type Role = "viewer" | "deployer" | "admin";
export type ReleaseStatus = "started" | "succeeded" | "failed" | "rolled_back";

export interface Release {
  id: string;
  service: string;
  environment: string;
  version: string;
  imageDigest: string;
  commitSha: string;
  committedAt: string | null;
  status: ReleaseStatus;
  startedAt: string;
  finishedAt: string | null;
  rolledBackAt: string | null;
  actor: string;
}

export interface MatrixCell {
  environment: string;
  service: string;
  current: { releaseId: string; version: string; imageDigest: string; releasedAt: string; actor: string } | null;
  latest: { releaseId: string; version: string; status: ReleaseStatus; startedAt: string; actor: string };
}

export interface DoraMetrics {
  deployments: number;
  failedDeployments: number;
  deploymentFrequencyPerDay: number;
  changeFailureRate: number | null;
  medianLeadTimeSeconds: number | null;
  medianTimeToRestoreSeconds: number | null;
  /** /v1/metrics/dora only: "snapshot" when the nightly job computed it, at computedAt. */
  source?: "snapshot" | "live";
  computedAt?: string;
}

export interface DoraTrend {
  bucketDays: number;
  points: (DoraMetrics & { from: string })[];
}

export interface ApiKey {
  id: string;
  name: string;
  role: Role;
  prefix: string;
  createdBy: string;
  createdAt: string;
  revokedAt: string | null;
}

export const RANK: Record<Role, number> = { viewer: 1, deployer: 2, admin: 3 };

export class ApiError extends Error {
  constructor(
    readonly status: number,
    message: string,
  ) {
    super(message);
  }
}

/** Every call goes to the same /v1 API, with the same bearer token checks, as curl would. */
export function apiClient(token: () => string | undefined, onUnauthorized: (message: string) => void) {
  return async function api<T>(path: string, init: { method?: string; body?: unknown } = {}): Promise<T> {
    const bearer = token();
    if (!bearer) throw new ApiError(401, "not signed in");
    const response = await fetch(`/v1${path}`, {
      method: init.method ?? "GET",
      headers: { authorization: `Bearer ${bearer}`, accept: "application/json", ...(init.body ? { "content-type": "application/json" } : {}) },
      ...(init.body ? { body: JSON.stringify(init.body) } : {}),
    });
    if (response.status === 204) return undefined as T;
    const body = (await response.json().catch(() => ({}))) as { message?: string };
    if (!response.ok) {
      const message = body.message ?? `HTTP ${response.status}`;
      if (response.status === 401) onUnauthorized(`The ledger refused your sign-in (${message}). Sign in again.`);
      throw new ApiError(response.status, message);
    }
    return body as T;
  };
}

export type Api = ReturnType<typeof apiClient>;

import { type Role } from "../../src/schemas/api-types";

// The API's types as the service states them. Type-only (esbuild erases it): no server code reaches the page.
export type { ApiKey, CreatedApiKey, DoraMetrics, DoraTrend, MatrixCell, Me, Release, ReleaseStatus, Role } from "../../src/schemas/api-types";

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

/**
 * The smoke checks a deployed service must pass: liveness, readiness, the OpenAPI document and one
 * authenticated read. Each check is a request plus a verdict on its response; runSmokeChecks() runs them all
 * (concurrently: they are independent) with retries and returns data that the report renders.
 */
import { probe, withRetries, type ProbeResponse, type RetryPolicy, type Verdict } from "./probe";

export const AUTH_TOKEN_VARIABLE = "DEVCTL_SMOKE_TOKEN";

export interface SmokeCheckOptions {
  /** Base URL of the service, e.g. https://ledger.staging.example.com (a path prefix is kept). */
  readonly baseUrl: string;
  /** Bearer token for the authenticated read; undefined skips that check. */
  readonly token?: string;
  /** With no token, fail the authenticated read instead of skipping it. */
  readonly requireAuth: boolean;
  /** Per-attempt timeout. */
  readonly timeoutMs: number;
  readonly retry: RetryPolicy;
  /** Told about each retry (devctl writes it to stderr). */
  readonly onRetry?: (check: string, reason: string, delayMs: number, attempt: number) => void;
}

export type CheckOutcome = "passed" | "failed" | "skipped";

export interface CheckResult {
  readonly name: string;
  readonly path: string;
  readonly outcome: CheckOutcome;
  /** HTTP status of the last attempt; null when no response arrived or the check was skipped. */
  readonly status: number | null;
  readonly latencyMs: number | null;
  readonly attempts: number;
  /** Why it failed or was skipped, or what it found when it passed. */
  readonly reason: string;
}

export interface SmokeReport {
  readonly url: string;
  readonly ok: boolean;
  readonly checks: readonly CheckResult[];
}

interface CheckDefinition {
  readonly name: string;
  readonly path: string;
  readonly authenticated: boolean;
  judge(response: ProbeResponse): Verdict;
}

/** Connection errors, timeouts, 5xx and 429 can heal while a deployment settles; anything else cannot. */
function transportVerdict(response: ProbeResponse, expected: number): Verdict | undefined {
  if (response.status === undefined) return { ok: false, reason: response.networkError ?? "no response", retryable: true };
  if (response.status === expected) return undefined;
  const retryable = response.status >= 500 || response.status === 429;
  return { ok: false, reason: `expected HTTP ${expected}, got ${response.status}${excerpt(response.body)}`, retryable };
}

function excerpt(body: string): string {
  const flat = body.replace(/\s+/g, " ").trim();
  if (!flat) return "";
  return `: ${flat.length > 120 ? `${flat.slice(0, 117)}...` : flat}`;
}

function parseJson(body: string): { ok: true; value: unknown } | { ok: false; error: string } {
  try {
    return { ok: true, value: JSON.parse(body) as unknown };
  } catch (error) {
    return { ok: false, error: error instanceof Error ? error.message : String(error) };
  }
}

const isObject = (value: unknown): value is Record<string, unknown> => typeof value === "object" && value !== null && !Array.isArray(value);

export const CHECKS: readonly CheckDefinition[] = [
  {
    name: "healthz",
    path: "/healthz",
    authenticated: false,
    judge: (response) => transportVerdict(response, 200) ?? { ok: true, detail: "alive" },
  },
  {
    name: "readyz",
    path: "/readyz",
    authenticated: false,
    judge: (response) => {
      const transport = transportVerdict(response, 200);
      if (transport) return transport;
      const parsed = parseJson(response.body);
      if (!parsed.ok) return { ok: false, reason: `readiness answered 200 but not JSON (${parsed.error})${excerpt(response.body)}`, retryable: false };
      return { ok: true, detail: "ready" };
    },
  },
  {
    name: "openapi",
    path: "/docs/json",
    authenticated: false,
    judge: (response) => {
      const transport = transportVerdict(response, 200);
      if (transport) return transport;
      const parsed = parseJson(response.body);
      if (!parsed.ok) return { ok: false, reason: `the OpenAPI document is not valid JSON (${parsed.error})${excerpt(response.body)}`, retryable: false };
      const doc = parsed.value;
      if (!isObject(doc) || typeof doc.openapi !== "string" || !/^3\.\d+/.test(doc.openapi)) {
        return { ok: false, reason: 'the OpenAPI document has no "openapi": "3.x" version field', retryable: false };
      }
      if (!isObject(doc.paths) || Object.keys(doc.paths).length === 0) {
        return { ok: false, reason: 'the OpenAPI document lists no "paths"', retryable: false };
      }
      return { ok: true, detail: `OpenAPI ${doc.openapi}, ${Object.keys(doc.paths).length} paths` };
    },
  },
  {
    name: "authenticated-read",
    path: "/v1/releases?limit=1",
    authenticated: true,
    judge: (response) => {
      if (response.status === 401 || response.status === 403) {
        return {
          ok: false,
          reason: `the service refused the token (HTTP ${response.status}): check ${AUTH_TOKEN_VARIABLE} holds a valid API key for this environment`,
          retryable: false,
        };
      }
      const transport = transportVerdict(response, 200);
      if (transport) return transport;
      const parsed = parseJson(response.body);
      if (!parsed.ok) return { ok: false, reason: `the release list is not valid JSON (${parsed.error})${excerpt(response.body)}`, retryable: false };
      return { ok: true, detail: "read one page of releases" };
    },
  },
];

/** Joins the base URL (which may carry a path prefix) and a check's path. */
export function checkUrl(baseUrl: string, path: string): string {
  return `${baseUrl.replace(/\/+$/, "")}${path}`;
}

export async function runSmokeChecks(options: SmokeCheckOptions): Promise<SmokeReport> {
  const checks = await Promise.all(CHECKS.map((check) => runCheck(check, options)));
  return { url: options.baseUrl, ok: checks.every((c) => c.outcome !== "failed"), checks };
}

async function runCheck(check: CheckDefinition, options: SmokeCheckOptions): Promise<CheckResult> {
  const base = { name: check.name, path: check.path };
  if (check.authenticated && !options.token) {
    const why = `${AUTH_TOKEN_VARIABLE} is not set`;
    return options.requireAuth
      ? {
          ...base,
          outcome: "failed",
          status: null,
          latencyMs: null,
          attempts: 0,
          reason: `${why} and --require-auth was given: set it to an API key for this environment`,
        }
      : { ...base, outcome: "skipped", status: null, latencyMs: null, attempts: 0, reason: `${why}; set it to an API key to run this check` };
  }
  const headers: Record<string, string> = { accept: "application/json" };
  if (check.authenticated && options.token) headers.authorization = `Bearer ${options.token}`;
  const url = checkUrl(options.baseUrl, check.path);
  const { response, verdict, attempts } = await withRetries(
    async () => {
      const response = await probe({ url, headers, timeoutMs: options.timeoutMs });
      return { response, verdict: check.judge(response) };
    },
    options.retry,
    (reason, delayMs, attempt) => options.onRetry?.(check.name, reason, delayMs, attempt),
  );
  const common = { ...base, status: response.status ?? null, latencyMs: response.latencyMs, attempts };
  return verdict.ok ? { ...common, outcome: "passed", reason: verdict.detail ?? "" } : { ...common, outcome: "failed", reason: verdict.reason };
}

/** The smoke checks a recovery environment must pass (`devctl dr`), retried for five minutes while it warms up. */
export function recoverySmoke(baseUrl: string): Promise<SmokeReport> {
  return runSmokeChecks({ baseUrl, requireAuth: false, timeoutMs: 5000, retry: { windowMs: 300_000, initialDelayMs: 1000, maxDelayMs: 10_000 } });
}

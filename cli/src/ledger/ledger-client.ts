import { randomUUID } from "node:crypto";
import type { Io } from "../io";

export type ReleaseFinalStatus = "succeeded" | "failed" | "rolled_back";

export interface ReleaseStart {
  readonly environment: string;
  readonly version: string;
  /** sha256:<64 hex> */
  readonly imageDigest: string;
  /** 40 hex */
  readonly commitSha: string;
}

/** A restore drill as the ledger records it (service: POST /v1/drills). */
export interface DrillRecord {
  readonly environment: string;
  readonly recoveryEnvironment: string;
  readonly region: string;
  readonly outcome: "passed" | "failed";
  readonly restorePoint: string;
  readonly imageDigest: string;
  readonly rpoSeconds: number;
  readonly rtoSeconds: number;
  readonly startedAt: string;
  readonly finishedAt: string;
  readonly notes?: string;
}

/**
 * Records releases in the release ledger service (POST /v1/releases, then PATCH /v1/releases/:id).
 * The ledger is a record, not a gate: when it is unreachable or answers an error devctl warns on stderr
 * and the release goes on.
 */
export class LedgerClient {
  constructor(
    private readonly baseUrl: string,
    private readonly token: string,
    private readonly io: Io,
    private readonly timeoutMs = 5000,
    private readonly now: () => Date = () => new Date(),
  ) {}

  /** A client when DEVCTL_LEDGER_URL and DEVCTL_LEDGER_TOKEN are both set, else undefined. */
  static fromEnv(io: Io, now?: () => Date): LedgerClient | undefined {
    const url = io.env.DEVCTL_LEDGER_URL;
    const token = io.env.DEVCTL_LEDGER_TOKEN;
    if (!url || !token) {
      if (url || token) io.err("warning: set both DEVCTL_LEDGER_URL and DEVCTL_LEDGER_TOKEN to record releases; not recording this one");
      return undefined;
    }
    const timeout = Number(io.env.DEVCTL_LEDGER_TIMEOUT_MS ?? 5000);
    return new LedgerClient(url, token, io, Number.isFinite(timeout) && timeout > 0 ? timeout : 5000, now);
  }

  /** Records a started release; resolves to its id, or undefined when the ledger could not record it. */
  async start(release: ReleaseStart): Promise<string | undefined> {
    const body = { service: "release-ledger", ...release, status: "started" };
    const response = await this.send("POST", "/v1/releases", body, { "Idempotency-Key": randomUUID() });
    const id = (response as { id?: unknown } | undefined)?.id;
    if (response !== undefined && (typeof id === "string" || typeof id === "number")) return String(id);
    if (response !== undefined) this.io.err("warning: the release ledger answered without a release id; the outcome will not be recorded");
    return undefined;
  }

  async finish(id: string | undefined, status: ReleaseFinalStatus): Promise<void> {
    if (id === undefined) return;
    await this.send("PATCH", `/v1/releases/${encodeURIComponent(id)}`, { status, finishedAt: this.now().toISOString() });
  }

  /**
   * The digest of the release that ran in `environment` at `time` (GET /v1/releases/at); undefined when the
   * ledger knows none or cannot answer (it warns).
   */
  async imageDigestAt(environment: string, time: Date): Promise<string | undefined> {
    const query = new URLSearchParams({ environment, service: "release-ledger", time: time.toISOString() });
    const response = (await this.send("GET", `/v1/releases/at?${query.toString()}`, undefined)) as { imageDigest?: unknown } | undefined;
    return typeof response?.imageDigest === "string" && /^sha256:[0-9a-f]{64}$/.test(response.imageDigest) ? response.imageDigest : undefined;
  }

  /** Records a restore drill (POST /v1/drills); resolves to whether the ledger stored it. */
  async recordDrill(drill: DrillRecord): Promise<boolean> {
    return (await this.send("POST", "/v1/drills", drill)) !== undefined;
  }

  private async send(method: string, path: string, body: unknown, headers: Record<string, string> = {}): Promise<unknown> {
    const url = `${this.baseUrl.replace(/\/+$/, "")}${path}`;
    try {
      const response = await fetch(url, {
        method,
        headers: { "content-type": "application/json", authorization: `Bearer ${this.token}`, ...headers },
        ...(body === undefined ? {} : { body: JSON.stringify(body) }),
        signal: AbortSignal.timeout(this.timeoutMs),
      });
      if (!response.ok) {
        const text = (await response.text()).slice(0, 200);
        this.io.err(`warning: the release ledger answered ${method} ${path} with HTTP ${response.status}${text ? `: ${text}` : ""}; going on without it`);
        return undefined;
      }
      const text = await response.text();
      return text ? (JSON.parse(text) as unknown) : {};
    } catch (error) {
      const cause = error instanceof Error ? ((error.cause as Error | undefined)?.message ?? error.message) : String(error);
      this.io.err(`warning: the release ledger at ${this.baseUrl} is unreachable (${cause}); going on without recording this release`);
      return undefined;
    }
  }
}

/** Ledger version string of a release: short commit and short digest, e.g. "3f2a9c1-4be0c1d2e3f4". */
export function releaseVersion(commitSha: string, imageDigest: string): string {
  return `${commitSha.slice(0, 7)}-${imageDigest.replace(/^sha256:/, "").slice(0, 12)}`;
}

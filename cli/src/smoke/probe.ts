/**
 * One HTTP request with a timeout, and the retry loop around it. A fresh deploy answers 502/503 (or not at
 * all) for a while: failures that can heal are retried with backoff until the window closes; a 4xx or a
 * malformed body cannot heal and fails at once.
 */

/** What one attempt saw. `status` is undefined when no response arrived (refused, timeout, DNS). */
export interface ProbeResponse {
  readonly status?: number;
  readonly body: string;
  readonly contentType: string;
  readonly latencyMs: number;
  /** Why no response arrived. */
  readonly networkError?: string;
}

export interface ProbeRequest {
  readonly url: string;
  readonly headers?: Readonly<Record<string, string>>;
  /** Limit for the whole attempt: connect, headers and body. */
  readonly timeoutMs: number;
}

/** Bodies larger than this are cut: a smoke check never needs more, and a runaway response must not hang it. */
const MAX_BODY_BYTES = 2 * 1024 * 1024;

export async function probe(request: ProbeRequest): Promise<ProbeResponse> {
  const started = performance.now();
  const signal = AbortSignal.timeout(request.timeoutMs);
  const elapsed = () => Math.round(performance.now() - started);
  try {
    const response = await fetch(request.url, { headers: request.headers, signal, redirect: "follow" });
    const body = await readBody(response);
    return { status: response.status, body, contentType: response.headers.get("content-type") ?? "", latencyMs: elapsed() };
  } catch (error) {
    return { body: "", contentType: "", latencyMs: elapsed(), networkError: describeNetworkError(error, request.timeoutMs) };
  }
}

async function readBody(response: Response): Promise<string> {
  if (!response.body) return "";
  const decoder = new TextDecoder();
  let text = "";
  let bytes = 0;
  for await (const chunk of response.body as AsyncIterable<Uint8Array>) {
    bytes += chunk.byteLength;
    text += decoder.decode(chunk, { stream: true });
    if (bytes > MAX_BODY_BYTES) break;
  }
  return text + decoder.decode();
}

function describeNetworkError(error: unknown, timeoutMs: number): string {
  if (error instanceof Error && (error.name === "TimeoutError" || error.name === "AbortError")) {
    return `no answer within ${timeoutMs} ms (timeout)`;
  }
  // undici hides the useful part (ECONNREFUSED, ENOTFOUND, certificate errors) in `cause`.
  const cause = error instanceof Error ? (error.cause as { code?: string; message?: string } | undefined) : undefined;
  if (cause?.code) return `${cause.code}${cause.message ? `: ${cause.message}` : ""}`;
  if (cause?.message) return cause.message;
  return error instanceof Error ? error.message : String(error);
}

/** A check's verdict on one response: passed, failed for good, or failed in a way a fresh deploy can heal. */
export type Verdict = { readonly ok: true; readonly detail?: string } | { readonly ok: false; readonly reason: string; readonly retryable: boolean };

export interface RetryPolicy {
  /** Keep retrying retryable failures until this many ms after the first attempt started (0 = one attempt). */
  readonly windowMs: number;
  /** First pause between attempts; doubles each time up to maxDelayMs. */
  readonly initialDelayMs: number;
  readonly maxDelayMs: number;
}

export interface Attempted {
  readonly response: ProbeResponse;
  readonly verdict: Verdict;
  readonly attempts: number;
}

/** Runs attempts until one passes, one fails for good, or the retry window closes; returns the last one. */
export async function withRetries(
  attempt: () => Promise<{ response: ProbeResponse; verdict: Verdict }>,
  policy: RetryPolicy,
  onRetry: (reason: string, delayMs: number, attempt: number) => void = () => undefined,
  sleep: (ms: number) => Promise<void> = (ms) => new Promise((resolve) => setTimeout(resolve, ms)),
): Promise<Attempted> {
  const deadline = Date.now() + policy.windowMs;
  let delay = policy.initialDelayMs;
  for (let attempts = 1; ; attempts++) {
    const { response, verdict } = await attempt();
    if (verdict.ok || !verdict.retryable) return { response, verdict, attempts };
    const remaining = deadline - Date.now();
    if (remaining <= 0) return { response, verdict, attempts };
    const pause = Math.min(delay, remaining);
    onRetry(verdict.reason, pause, attempts);
    await sleep(pause);
    delay = Math.min(delay * 2, policy.maxDelayMs);
  }
}

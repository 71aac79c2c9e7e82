/** One look at something that finishes by itself: its result once it has one, and a line saying where it is. */
export interface Look<T> {
  readonly result?: T;
  readonly line: string;
}

/** How often a deployment or rollout is looked at: AWS and Kubernetes report progress at about this pace. */
export const DEFAULT_POLL_MS = 15_000;

export interface PollOptions {
  /** Default: DEFAULT_POLL_MS. */
  readonly pollMs?: number | undefined;
  readonly timeoutMs: number;
  readonly sleep?: (ms: number) => Promise<void>;
  /** Called with each line that differs from the one before. */
  readonly onProgress: (line: string) => void;
  /** The error to throw once timeoutMs has passed without a result. */
  readonly timedOut: () => Error;
}

/** Looks every pollMs until a look has a result, reporting changes of state, or throws timedOut(). */
export async function pollUntilDone<T>(look: () => Promise<Look<T>>, options: PollOptions): Promise<T> {
  const sleep = options.sleep ?? ((ms: number) => new Promise<void>((resolve) => setTimeout(resolve, ms)));
  const pollMs = options.pollMs ?? DEFAULT_POLL_MS;
  let last = "";
  for (let waited = 0; ; waited += pollMs) {
    const { result, line } = await look();
    if (result !== undefined) return result;
    if (line !== last) options.onProgress(line);
    last = line;
    if (waited >= options.timeoutMs) throw options.timedOut();
    await sleep(pollMs);
  }
}

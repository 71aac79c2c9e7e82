export class CircuitOpenError extends Error {
  constructor() {
    super("circuit open: the dependency is being bypassed");
    this.name = "CircuitOpenError";
  }
}

export type CircuitState = "closed" | "open";

export interface CircuitBreakerOptions {
  /** Consecutive failed or slow calls that open the circuit. */
  readonly failures: number;
  /** How long an open circuit refuses calls before one probe is let through. */
  readonly cooldownMs: number;
  /** A call that succeeds but takes longer than this counts as a failure: a slow dependency is a failing one. */
  readonly slowMs: number;
  readonly onChange?: (state: CircuitState) => void;
}

/**
 * Closed: calls go through. After `failures` bad calls in a row it opens: calls are refused at once
 * (CircuitOpenError) for `cooldownMs`, then a single probe goes through; a good probe closes it, a bad one
 * opens it again. A hand-written forty lines rather than a library: the cache needs nothing more.
 */
export class CircuitBreaker {
  private bad = 0;
  private openedAt: number | undefined;
  private probing = false;

  constructor(
    private readonly options: CircuitBreakerOptions,
    private readonly now: () => number = Date.now,
  ) {}

  get state(): CircuitState {
    return this.openedAt === undefined ? "closed" : "open";
  }

  async run<T>(work: () => Promise<T>): Promise<T> {
    const probe = this.admit();
    const started = performance.now();
    let ok = false;
    try {
      const result = await work();
      ok = performance.now() - started <= this.options.slowMs;
      return result;
    } finally {
      this.record(ok, probe);
    }
  }

  /** Throws when the call must not be made; true when it is the probe of an open circuit. */
  private admit(): boolean {
    if (this.openedAt === undefined) return false;
    if (this.probing || this.now() - this.openedAt < this.options.cooldownMs) throw new CircuitOpenError();
    this.probing = true;
    return true;
  }

  private record(ok: boolean, probe: boolean): void {
    if (probe) {
      this.probing = false;
      if (ok) this.close();
      else this.openedAt = this.now();
      return;
    }
    // Calls that were already under way when the circuit opened say nothing about it now.
    if (this.openedAt !== undefined) return;
    this.bad = ok ? 0 : this.bad + 1;
    if (this.bad >= this.options.failures) {
      this.openedAt = this.now();
      this.options.onChange?.("open");
    }
  }

  private close(): void {
    this.openedAt = undefined;
    this.bad = 0;
    this.options.onChange?.("closed");
  }
}

export const COUNTERS = ["HttpRequests", "Http4xx", "Http5xx", "ReleasesRecorded", "ReleaseTransitions", "CacheHits", "CacheMisses"] as const;
export type CounterName = (typeof COUNTERS)[number];

/**
 * Rounds a latency to a bucket so one flush has few distinct values (EMF allows 100 per metric) while
 * keeping about 5 % precision, enough for CloudWatch to estimate p99.
 */
export function latencyBucket(ms: number): number {
  if (ms < 1) return Math.round(ms * 10) / 10;
  if (ms < 20) return Math.round(ms);
  const magnitude = 10 ** Math.floor(Math.log10(ms));
  const step = magnitude / 2;
  return Math.round(ms / step) * step;
}

/**
 * CloudWatch Embedded Metric Format, aggregated in memory: recording is a map update, and one JSON line
 * per interval goes to stdout (the awslogs driver ships it), so the request path does no I/O.
 */
export class Metrics {
  private counters = new Map<CounterName, number>();
  private latencies = new Map<number, number>();
  private timer: NodeJS.Timeout | undefined;

  constructor(
    private readonly environment: string,
    private readonly write: (line: string) => void = (line) => process.stdout.write(line),
    private readonly now: () => number = Date.now,
  ) {}

  count(name: CounterName, by = 1): void {
    this.counters.set(name, (this.counters.get(name) ?? 0) + by);
  }

  recordRequest(statusCode: number, latencyMs: number): void {
    this.count("HttpRequests");
    if (statusCode >= 500) this.count("Http5xx");
    else if (statusCode >= 400) this.count("Http4xx");
    const bucket = latencyBucket(latencyMs);
    this.latencies.set(bucket, (this.latencies.get(bucket) ?? 0) + 1);
  }

  start(intervalMs: number): void {
    this.timer = setInterval(() => this.flush(), intervalMs);
    this.timer.unref();
  }

  stop(): void {
    if (this.timer) clearInterval(this.timer);
    this.timer = undefined;
    this.flush();
  }

  /** Emits one EMF document with everything counted since the last flush; nothing when idle. */
  flush(): void {
    if (this.counters.size === 0 && this.latencies.size === 0) return;
    const definitions: { Name: string; Unit: string }[] = [];
    const document: Record<string, unknown> = { Environment: this.environment };
    for (const [name, value] of this.counters) {
      definitions.push({ Name: name, Unit: "Count" });
      document[name] = value;
    }
    if (this.latencies.size > 0) {
      const values = [...this.latencies.keys()];
      const counts = values.map((v) => this.latencies.get(v) ?? 0);
      definitions.push({ Name: "HttpLatency", Unit: "Milliseconds" });
      document.HttpLatency = {
        Values: values,
        Counts: counts,
        Min: Math.min(...values),
        Max: Math.max(...values),
        Sum: values.reduce((s, v, i) => s + v * (counts[i] ?? 0), 0),
        Count: counts.reduce((a, b) => a + b, 0),
      };
    }
    this.counters = new Map();
    this.latencies = new Map();
    const line = {
      _aws: {
        Timestamp: this.now(),
        CloudWatchMetrics: [{ Namespace: "ReleaseLedger", Dimensions: [["Environment"]], Metrics: definitions }],
      },
      ...document,
    };
    this.write(`${JSON.stringify(line)}\n`);
  }
}

import { type Api, type DoraMetrics, type DoraTrend } from "../api";
import { dateTime, duration, percent } from "../format";
import { EnvironmentSelect } from "./environment-select";
import { TrendChart } from "./trend-chart";
import { LoadState, useLoad } from "./use-load";

const perDay = (v: number) => `${Math.round(v * 100) / 100}/d`;
const rate = (v: number) => `${Math.round(v * 100)} %`;

const METRICS = [
  { key: "deploymentFrequencyPerDay", title: "Deployment frequency", format: perDay },
  { key: "medianLeadTimeSeconds", title: "Lead time for changes (median)", format: duration },
  { key: "changeFailureRate", title: "Change failure rate", format: rate },
  { key: "medianTimeToRestoreSeconds", title: "Time to restore (median)", format: duration },
] as const;

function headline(key: (typeof METRICS)[number]["key"], m: DoraMetrics): string {
  switch (key) {
    case "deploymentFrequencyPerDay":
      return perDay(m.deploymentFrequencyPerDay);
    case "changeFailureRate":
      return percent(m.changeFailureRate);
    case "medianLeadTimeSeconds":
      return duration(m.medianLeadTimeSeconds);
    case "medianTimeToRestoreSeconds":
      return duration(m.medianTimeToRestoreSeconds);
  }
}

/** The headline numbers may come from the nightly snapshot: say up to when they count. */
const asOf = (m: DoraMetrics) => (m.source === "snapshot" && m.computedAt ? ` up to ${dateTime(m.computedAt)} (computed nightly)` : "");

export function DoraView({
  api,
  environment,
  environments,
  days,
  onChange,
}: {
  api: Api;
  environment: string;
  environments: string[];
  days: 30 | 90;
  onChange: (environment: string, days: 30 | 90) => void;
}) {
  const query = `days=${days}${environment ? `&environment=${encodeURIComponent(environment)}` : ""}`;
  const loaded = useLoad(
    async () => {
      const [metrics, trend] = await Promise.all([api<DoraMetrics>(`/metrics/dora?${query}`), api<DoraTrend>(`/metrics/dora/trend?${query}`)]);
      return { metrics, trend };
    },
    query,
    60_000,
  );
  const trend = loaded.data?.trend;
  const x = trend?.points.map((p) => Date.parse(p.from) / 1000) ?? [];
  return (
    <section aria-labelledby="dora-title">
      <div class="section-head">
        <h2 id="dora-title">DORA metrics</h2>
        <EnvironmentSelect value={environment} environments={environments} allLabel="all environments" onSelect={(env) => onChange(env, days)} />
        <div role="group" aria-label="Window" class="toggle">
          {([30, 90] as const).map((d) => (
            <button type="button" key={d} aria-pressed={d === days} onClick={() => onChange(environment, d)}>{`${d} days`}</button>
          ))}
        </div>
      </div>
      <LoadState loaded={loaded} what="the metrics" />
      {loaded.data && (
        <>
          <div class="stats">
            {METRICS.map((m) => (
              <div class="stat" key={m.key}>
                <span class="stat__label">{m.title}</span>
                <span class="stat__value">{headline(m.key, loaded.data!.metrics)}</span>
              </div>
            ))}
          </div>
          <p class="muted">{`${loaded.data.metrics.deployments} deployments, ${loaded.data.metrics.failedDeployments} failed or rolled back, in the last ${days} days${asOf(loaded.data.metrics)}. Each chart point covers ${trend?.bucketDays ?? 1} days.`}</p>
          <div class="charts">
            {METRICS.map((m) => {
              const y = trend?.points.map((p) => p[m.key]) ?? [];
              const known = y.filter((v): v is number => v !== null);
              const summary = known.length === 0 ? "no data in this window" : `from ${m.format(known[0]!)} to ${m.format(known.at(-1)!)} over ${days} days`;
              return <TrendChart key={`${m.key}-${query}`} title={m.title} x={x} y={y} format={m.format} summary={summary} />;
            })}
          </div>
        </>
      )}
    </section>
  );
}

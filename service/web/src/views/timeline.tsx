import { type Api, type Release } from "../api";
import { dateTime, STATUS_LABEL } from "../format";
import { EnvironmentSelect } from "./environment-select";
import { LoadState, useLoad } from "./use-load";

const MARK: Record<Release["status"], string> = { started: "…", succeeded: "✓", failed: "✕", rolled_back: "↩" };

/** The newest hundred releases of one environment, newest first, failures and rollbacks marked. */
export function TimelineView({
  api,
  environment,
  environments,
  onEnvironment,
  onOpen,
  version,
}: {
  api: Api;
  environment: string;
  environments: string[];
  onEnvironment: (name: string) => void;
  onOpen: (id: string) => void;
  /** Bumped after a change made on this page, so the list reloads at once. */
  version: number;
}) {
  const loaded = useLoad(
    () => api<{ items: Release[] }>(`/releases?environment=${encodeURIComponent(environment)}&limit=100`),
    `${environment}#${version}`,
    15_000,
  );
  const items = loaded.data?.items ?? [];
  return (
    <section aria-labelledby="timeline-title">
      <div class="section-head">
        <h2 id="timeline-title">Release timeline</h2>
        <EnvironmentSelect value={environment} environments={environments} onSelect={onEnvironment} />
        <button type="button" class="secondary" onClick={loaded.reload}>
          Refresh
        </button>
      </div>
      <LoadState loaded={loaded} what="the timeline" />
      {loaded.data && items.length === 0 && <p class="notice">{`No release recorded in ${environment} yet.`}</p>}
      <ol class="timeline" aria-label={`Releases in ${environment}, newest first`}>
        {items.map((r) => (
          <li key={r.id} class={`event event--${r.status}`} data-release={r.id}>
            <span class="event__mark" aria-hidden="true">
              {MARK[r.status]}
            </span>
            <button type="button" class="event__open" onClick={() => onOpen(r.id)}>
              <span class="event__what">{`${r.service} ${r.version}`}</span>
              <span class={`badge badge--${r.status}`}>{STATUS_LABEL[r.status]}</span>
              <span class="event__when">{dateTime(r.startedAt)}</span>
              <span class="event__who">{r.actor}</span>
              {r.rolledBackAt && <span class="event__note">{`rolled back ${dateTime(r.rolledBackAt)}`}</span>}
            </button>
          </li>
        ))}
      </ol>
    </section>
  );
}

import { type Api, type MatrixCell } from "../api";
import { age, ageSeconds, shortDigest, sortEnvironments, STATUS_LABEL } from "../format";
import { LoadState, useLoad } from "./use-load";

/** A release older than this in a cell is called stale: that environment has not moved in a month. */
export const STALE_AFTER_DAYS = 30;

function cellState(cell: MatrixCell): "failed" | "deploying" | "stale" | "ok" {
  if (cell.latest.status === "failed" || cell.latest.status === "rolled_back") return "failed";
  if (cell.latest.status === "started") return "deploying";
  if (!cell.current || ageSeconds(cell.current.releasedAt) > STALE_AFTER_DAYS * 86_400) return "stale";
  return "ok";
}

function Cell({ cell, onOpen }: { cell: MatrixCell; onOpen: (id: string) => void }) {
  const state = cellState(cell);
  const { current, latest } = cell;
  return (
    <td class={`cell cell--${state}`} data-environment={cell.environment} data-service={cell.service}>
      <button type="button" class="cell__open" onClick={() => onOpen(current?.releaseId ?? latest.releaseId)}>
        <span class="cell__version">{current ? current.version : "nothing running"}</span>
        {current && (
          <code class="cell__digest" title={current.imageDigest}>
            {shortDigest(current.imageDigest)}
          </code>
        )}
        {current && <span class="cell__meta">{`${age(current.releasedAt)} · ${current.actor.replace(/^(user|api-key):/, "")}`}</span>}
        {state === "failed" && <span class="badge badge--failed">{`${latest.version} ${STATUS_LABEL[latest.status]}`}</span>}
        {state === "deploying" && <span class="badge badge--deploying">{`${latest.version} deploying`}</span>}
        {state === "stale" && <span class="badge badge--stale">{`stale: over ${STALE_AFTER_DAYS} d`}</span>}
      </button>
    </td>
  );
}

export function MatrixView({ api, onOpen }: { api: Api; onOpen: (id: string) => void }) {
  const loaded = useLoad(() => api<{ cells: MatrixCell[] }>("/dashboard/matrix"), "matrix", 15_000);
  const cells = loaded.data?.cells ?? [];
  const environments = sortEnvironments(cells.map((c) => c.environment));
  const services = [...new Set(cells.map((c) => c.service))].sort();
  const at = new Map(cells.map((c) => [`${c.environment}/${c.service}`, c]));
  return (
    <section aria-labelledby="matrix-title">
      <div class="section-head">
        <h2 id="matrix-title">What runs where</h2>
        <button type="button" class="secondary" onClick={loaded.reload}>
          Refresh
        </button>
      </div>
      <LoadState loaded={loaded} what="the environments" />
      {loaded.data && cells.length === 0 && (
        <p class="notice">
          No release recorded yet. CI records one with <code>POST /v1/releases</code>.
        </p>
      )}
      {cells.length > 0 && (
        <div class="table-wrap">
          <table class="matrix">
            <caption class="legend">
              Each cell shows the version running (latest succeeded release), its image digest, age and who released it.{" "}
              <span class="badge badge--failed">failed</span> the newest attempt failed or was rolled back; <span class="badge badge--stale">stale</span>{" "}
              nothing released for {STALE_AFTER_DAYS} days.
            </caption>
            <thead>
              <tr>
                <th scope="col">Service</th>
                {environments.map((env) => (
                  <th scope="col" key={env}>
                    {env}
                  </th>
                ))}
              </tr>
            </thead>
            <tbody>
              {services.map((service) => (
                <tr key={service}>
                  <th scope="row">{service}</th>
                  {environments.map((env) => {
                    const cell = at.get(`${env}/${service}`);
                    return cell ? (
                      <Cell key={env} cell={cell} onOpen={onOpen} />
                    ) : (
                      <td key={env} class="cell cell--empty">
                        –
                      </td>
                    );
                  })}
                </tr>
              ))}
            </tbody>
          </table>
        </div>
      )}
    </section>
  );
}

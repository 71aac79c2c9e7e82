import { useEffect, useRef, useState } from "preact/hooks";
import { type Api, type Release, type ReleaseStatus } from "../api";
import { dateTime, duration, STATUS_LABEL } from "../format";

/** Where a release may go next, as the API allows it (PATCH /v1/releases/:id). */
const NEXT: Record<ReleaseStatus, ReleaseStatus[]> = {
  started: ["succeeded", "failed", "rolled_back"],
  succeeded: ["rolled_back"],
  failed: [],
  rolled_back: [],
};
const ACTION: Record<ReleaseStatus, string> = { started: "", succeeded: "Mark succeeded", failed: "Mark failed", rolled_back: "Mark rolled back" };

export function ReleaseDialog({
  api,
  id,
  canChange,
  onClose,
  onChanged,
}: {
  api: Api;
  id: string;
  canChange: boolean;
  onClose: () => void;
  onChanged: () => void;
}) {
  const dialog = useRef<HTMLDialogElement>(null);
  const [release, setRelease] = useState<Release>();
  const [error, setError] = useState<string>();
  const [busy, setBusy] = useState(false);

  useEffect(() => {
    dialog.current?.showModal();
    api<Release>(`/releases/${id}`).then(setRelease, (e: unknown) => setError(e instanceof Error ? e.message : String(e)));
  }, [api, id]);

  async function move(status: ReleaseStatus) {
    setBusy(true);
    setError(undefined);
    try {
      setRelease(await api<Release>(`/releases/${id}`, { method: "PATCH", body: { status } }));
      onChanged();
    } catch (e) {
      setError(e instanceof Error ? e.message : String(e));
    } finally {
      setBusy(false);
    }
  }

  const lead = release?.committedAt && release.finishedAt ? (Date.parse(release.finishedAt) - Date.parse(release.committedAt)) / 1000 : null;
  return (
    <dialog ref={dialog} class="release" aria-labelledby="release-title" onClose={onClose}>
      <h2 id="release-title">{release ? `${release.service} ${release.version} in ${release.environment}` : "Release"}</h2>
      {error && (
        <p class="notice notice--error" role="alert">
          {error}
        </p>
      )}
      {release && (
        <dl>
          <dt>Status</dt>
          <dd>
            <span class={`badge badge--${release.status}`}>{STATUS_LABEL[release.status]}</span>
          </dd>
          <dt>Image</dt>
          <dd>
            <code>{release.imageDigest}</code>
          </dd>
          <dt>Commit</dt>
          <dd>
            <code>{release.commitSha}</code>
          </dd>
          <dt>Started</dt>
          <dd>{dateTime(release.startedAt)}</dd>
          <dt>Finished</dt>
          <dd>{release.finishedAt ? dateTime(release.finishedAt) : "–"}</dd>
          {release.rolledBackAt && (
            <>
              <dt>Rolled back</dt>
              <dd>{dateTime(release.rolledBackAt)}</dd>
            </>
          )}
          <dt>Lead time</dt>
          <dd>{duration(lead)}</dd>
          <dt>Released by</dt>
          <dd>{release.actor}</dd>
        </dl>
      )}
      <div class="actions">
        {canChange &&
          release &&
          NEXT[release.status].map((status) => (
            <button type="button" key={status} class={status === "succeeded" ? "" : "danger"} disabled={busy} onClick={() => void move(status)}>
              {ACTION[status]}
            </button>
          ))}
        <button type="button" class="secondary" onClick={() => dialog.current?.close()}>
          Close
        </button>
      </div>
    </dialog>
  );
}

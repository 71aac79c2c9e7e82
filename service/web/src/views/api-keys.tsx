import { useState } from "preact/hooks";
import { type Api, type ApiKey, type CreatedApiKey, type Role } from "../api";
import { dateTime } from "../format";
import { LoadState, useLoad } from "./use-load";

/** Admin only, as in the API: services' keys, created and revoked here; a secret is shown once. */
export function ApiKeysView({ api }: { api: Api }) {
  const loaded = useLoad(() => api<{ items: ApiKey[] }>("/api-keys"), "keys", 60_000);
  const [name, setName] = useState("");
  const [role, setRole] = useState<Role>("deployer");
  const [created, setCreated] = useState<{ name: string; key: string }>();
  const [error, setError] = useState<string>();

  async function create(event: Event) {
    event.preventDefault();
    setError(undefined);
    try {
      const key = await api<CreatedApiKey>("/api-keys", { method: "POST", body: { name, role } });
      setCreated({ name: key.name, key: key.key });
      setName("");
      loaded.reload();
    } catch (e) {
      setError(e instanceof Error ? e.message : String(e));
    }
  }

  async function revoke(key: ApiKey) {
    if (!confirm(`Revoke the key "${key.name}"? Services using it are refused from their next call.`)) return;
    try {
      await api(`/api-keys/${key.id}`, { method: "DELETE" });
      loaded.reload();
    } catch (e) {
      setError(e instanceof Error ? e.message : String(e));
    }
  }

  return (
    <section aria-labelledby="keys-title">
      <div class="section-head">
        <h2 id="keys-title">API keys</h2>
      </div>
      <p class="muted">Keys are for services and CI. People sign in instead.</p>
      <form class="inline-form" onSubmit={(e) => void create(e)}>
        <label>
          Name{" "}
          <input required value={name} pattern="[A-Za-z0-9][A-Za-z0-9 ._\-]*" maxLength={64} onInput={(e) => setName((e.target as HTMLInputElement).value)} />
        </label>
        <label>
          Role{" "}
          <select value={role} onChange={(e) => setRole((e.target as HTMLSelectElement).value as Role)}>
            <option value="viewer">viewer</option>
            <option value="deployer">deployer</option>
            <option value="admin">admin</option>
          </select>
        </label>
        <button type="submit">Create key</button>
      </form>
      {error && (
        <p class="notice notice--error" role="alert">
          {error}
        </p>
      )}
      {created && (
        <p class="notice" role="status">
          {`Key "${created.name}" created. Copy it now, it is not shown again: `}
          <code class="secret">{created.key}</code>
        </p>
      )}
      <LoadState loaded={loaded} what="the keys" />
      {loaded.data && (
        <div class="table-wrap">
          <table class="keys">
            <thead>
              <tr>
                <th scope="col">Name</th>
                <th scope="col">Role</th>
                <th scope="col">Prefix</th>
                <th scope="col">Created</th>
                <th scope="col">State</th>
                <th scope="col">
                  <span class="visually-hidden">Actions</span>
                </th>
              </tr>
            </thead>
            <tbody>
              {loaded.data.items.map((key) => (
                <tr key={key.id}>
                  <td>{key.name}</td>
                  <td>{key.role}</td>
                  <td>
                    <code>{key.prefix}</code>
                  </td>
                  <td>{`${dateTime(key.createdAt)} by ${key.createdBy}`}</td>
                  <td>{key.revokedAt ? `revoked ${dateTime(key.revokedAt)}` : "active"}</td>
                  <td>
                    {!key.revokedAt && (
                      <button type="button" class="danger small" onClick={() => void revoke(key)}>
                        Revoke
                      </button>
                    )}
                  </td>
                </tr>
              ))}
            </tbody>
          </table>
        </div>
      )}
    </section>
  );
}

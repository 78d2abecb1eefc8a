"use client";

import { useState, type FormEvent } from "react";
import { useMutationForm } from "./use-mutation-form";

export type ApiKeyItem = { id: string; name: string; hint: string; createdAt: string; lastUsedAt: string | null; revokedAt: string | null };

const day = (iso: string | null) => (iso ? `${iso.slice(0, 16).replace("T", " ")} UTC` : "—");

export function ApiKeysCard({ project, keys, canWrite }: { project: string; keys: ApiKeyItem[]; canWrite: boolean }) {
  const create = useMutationForm<{ id: string; key: string; name: string }>();
  const revoke = useMutationForm<{ revokedAt: string }>();
  const [name, setName] = useState("");
  const [created, setCreated] = useState<{ key: string; name: string } | null>(null);
  const base = `/api/projects/${encodeURIComponent(project)}/api-keys`;

  const onCreate = async (event: FormEvent) => {
    event.preventDefault();
    const result = await create.send("POST", base, { name });
    if (result) {
      setCreated({ key: result.key, name: result.name });
      setName("");
    }
  };
  return (
    <section className="card" aria-labelledby="api-keys-heading">
      <h2 id="api-keys-heading">API keys</h2>
      <p className="muted">Only a digest of each key is stored; a key is shown in full once, when it is created.</p>
      {created ? (
        <div role="status" data-testid="new-key" style={{ marginBottom: 12 }}>
          <p>
            Key <strong>{created.name}</strong> created. Copy it now — it will not be shown again:
          </p>
          <div className="secret" data-testid="new-key-value">
            {created.key}
          </div>
          <div className="toolbar" style={{ marginTop: 8 }}>
            <button type="button" className="btn secondary small" onClick={() => void navigator.clipboard?.writeText(created.key)}>
              Copy
            </button>
            <button type="button" className="btn secondary small" onClick={() => setCreated(null)}>
              Done
            </button>
          </div>
        </div>
      ) : null}
      <table className="compact">
        <thead>
          <tr>
            <th scope="col">Name</th>
            <th scope="col">Key</th>
            <th scope="col">Created</th>
            <th scope="col">Last used</th>
            <th scope="col">State</th>
            {canWrite ? <th scope="col"><span className="sr-only">Actions</span></th> : null}
          </tr>
        </thead>
        <tbody>
          {keys.map((k) => (
            <tr key={k.id}>
              <td>{k.name}</td>
              <td>
                <code>{k.hint}</code>
              </td>
              <td>{day(k.createdAt)}</td>
              <td>{day(k.lastUsedAt)}</td>
              <td>{k.revokedAt ? <span className="badge error">revoked</span> : <span className="badge ok">active</span>}</td>
              {canWrite ? (
                <td>
                  {k.revokedAt ? null : (
                    <button
                      type="button"
                      className="btn danger small"
                      disabled={revoke.pending}
                      onClick={() => {
                        if (window.confirm(`Revoke the key "${k.name}"? Clients using it stop working at once.`)) void revoke.send("DELETE", `${base}/${k.id}`);
                      }}
                    >
                      Revoke
                    </button>
                  )}
                </td>
              ) : null}
            </tr>
          ))}
        </tbody>
      </table>
      {revoke.message ? <div className="field-error" role="alert">{revoke.message}</div> : null}
      {canWrite ? (
        <form className="inline-form" onSubmit={onCreate} aria-label="Create API key">
          <label>
            New key name
            <input className="input" value={name} onChange={(e) => setName(e.target.value)} placeholder="e.g. production backend" aria-invalid={Boolean(create.errors.name)} />
            {create.errors.name ? <span className="field-error">Name {create.errors.name}</span> : null}
          </label>
          <button className="btn small" type="submit" disabled={create.pending}>
            {create.pending ? "Creating…" : "Create key"}
          </button>
          {create.message && !create.errors.name ? <span className="field-error" role="alert">{create.message}</span> : null}
        </form>
      ) : (
        <p className="tz-note">Your role can see keys but not create or revoke them.</p>
      )}
    </section>
  );
}

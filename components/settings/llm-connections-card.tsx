"use client";

import { useRef, useState, type FormEvent } from "react";
import type { ConnectionTestResult, LlmConnectionView } from "@/lib/services/llm-connections";
import { useMutationForm } from "./use-mutation-form";

type Draft = { id: string | null; name: string; baseUrl: string; model: string; apiKey: string; headers: string };
const EMPTY: Draft = { id: null, name: "", baseUrl: "", model: "", apiKey: "", headers: "" };

/** "Name: value" lines → an object; a line without a colon goes as typed so the server names it. */
function parseHeaders(text: string): Record<string, string> | null | string {
  const lines = text.split("\n").map((l) => l.trim()).filter(Boolean);
  if (lines.length === 0) return null;
  const out: Record<string, string> = {};
  for (const line of lines) {
    const at = line.indexOf(":");
    if (at <= 0) return text;
    out[line.slice(0, at).trim()] = line.slice(at + 1).trim();
  }
  return out;
}

export function LlmConnectionsCard({ project, connections, canWrite }: { project: string; connections: LlmConnectionView[]; canWrite: boolean }) {
  const save = useMutationForm<LlmConnectionView>();
  const remove = useMutationForm<null>();
  const [draft, setDraft] = useState<Draft>(EMPTY);
  const [testing, setTesting] = useState<string | null>(null);
  const [tests, setTests] = useState<Record<string, ConnectionTestResult | { ok: false; error: { status: number | null; message: string } }>>({});
  const nameInput = useRef<HTMLInputElement>(null);
  const base = `/api/projects/${encodeURIComponent(project)}/llm-connections`;

  const onSave = async (event: FormEvent) => {
    event.preventDefault();
    const body: Record<string, unknown> = { name: draft.name, baseUrl: draft.baseUrl, model: draft.model };
    // Editing: an empty key or headers box keeps what is stored.
    if (draft.apiKey !== "" || draft.id === null) body.apiKey = draft.apiKey === "" ? null : draft.apiKey;
    if (draft.headers !== "" || draft.id === null) body.headers = parseHeaders(draft.headers);
    const result = draft.id ? await save.send("PATCH", `${base}/${draft.id}`, body) : await save.send("POST", base, body);
    if (result) setDraft(EMPTY);
  };
  const onTest = async (id: string) => {
    setTesting(id);
    try {
      const response = await fetch(`${base}/${id}/test`, { method: "POST", headers: { "content-type": "application/json" }, body: "{}" });
      const json = (await response.json().catch(() => null)) as ConnectionTestResult | { error?: { message?: string } } | null;
      const result =
        json && "ok" in json ? json : { ok: false as const, error: { status: response.status, message: (json as { error?: { message?: string } } | null)?.error?.message ?? `HTTP ${response.status}` } };
      setTests((t) => ({ ...t, [id]: result }));
    } finally {
      setTesting(null);
    }
  };
  const field = (key: "name" | "baseUrl" | "model" | "apiKey", label: string, placeholder: string) => (
    <label>
      {label}
      <input
        className="input"
        ref={key === "name" ? nameInput : undefined}
        type={key === "apiKey" ? "password" : "text"}
        autoComplete="off"
        value={draft[key]}
        onChange={(e) => setDraft({ ...draft, [key]: e.target.value })}
        placeholder={placeholder}
        aria-invalid={Boolean(save.errors[key])}
      />
      {save.errors[key] ? <span className="field-error">{save.errors[key]}</span> : null}
    </label>
  );

  return (
    <section className="card" aria-labelledby="llm-connections-heading">
      <h2 id="llm-connections-heading">LLM connections</h2>
      <p className="muted">
        OpenAI-compatible endpoints (a provider, a gateway, Ollama, vLLM) that LLM judges call. Keys and headers are stored encrypted and never shown again:
        only the key&apos;s last four characters.
      </p>
      {connections.length === 0 ? (
        <p className="muted">No LLM connections yet.</p>
      ) : (
        <table className="compact" aria-label="LLM connections">
          <thead>
            <tr>
              <th scope="col">Name</th>
              <th scope="col">Base URL</th>
              <th scope="col">Model</th>
              <th scope="col">Key</th>
              {canWrite ? <th scope="col"><span className="sr-only">Actions</span></th> : null}
            </tr>
          </thead>
          <tbody>
            {connections.map((c) => {
              const test = tests[c.id];
              return (
                <tr key={c.id} data-testid={`llm-connection-${c.name}`}>
                  <td>{c.name}</td>
                  <td>
                    <code>{c.baseUrl}</code>
                  </td>
                  <td>
                    <code>{c.model}</code>
                  </td>
                  <td>
                    {c.hasApiKey ? <code>…{c.apiKeyLast4 ?? "····"}</code> : <span className="muted">none</span>}
                    {c.headerNames.length > 0 ? <div className="tz-note">headers: {c.headerNames.join(", ")}</div> : null}
                  </td>
                  {canWrite ? (
                    <td>
                      <div className="toolbar">
                        <button type="button" className="btn secondary small" disabled={testing === c.id} onClick={() => void onTest(c.id)}>
                          {testing === c.id ? "Testing…" : "Test connection"}
                        </button>
                        <button
                          type="button"
                          className="btn secondary small"
                          onClick={() => {
                            setDraft({ id: c.id, name: c.name, baseUrl: c.baseUrl, model: c.model, apiKey: "", headers: "" });
                            nameInput.current?.focus();
                          }}
                        >
                          Edit
                        </button>
                        <button
                          type="button"
                          className="btn danger small"
                          disabled={remove.pending}
                          onClick={() => {
                            if (window.confirm(`Delete the LLM connection "${c.name}"?`)) void remove.send("DELETE", `${base}/${c.id}`);
                          }}
                        >
                          Delete
                        </button>
                      </div>
                      {test ? (
                        test.ok ? (
                          <div role="status" className="tz-note" data-testid="llm-test-result">
                            Answered in {test.latencyMs} ms{test.model ? ` by ${test.model}` : ""}: “{test.answer ?? ""}”
                          </div>
                        ) : (
                          <div role="alert" className="field-error" data-testid="llm-test-result">
                            {test.error.status !== null && !test.error.message.startsWith(`HTTP ${test.error.status}`) ? `HTTP ${test.error.status}: ` : ""}
                            {test.error.message}
                          </div>
                        )
                      ) : null}
                    </td>
                  ) : null}
                </tr>
              );
            })}
          </tbody>
        </table>
      )}
      {remove.message ? <div className="field-error" role="alert">{remove.message}</div> : null}
      {canWrite ? (
        <form className="inline-form" onSubmit={onSave} aria-label={draft.id ? "Edit the LLM connection" : "Add an LLM connection"}>
          {field("name", "Name", "e.g. judge")}
          {field("baseUrl", "Base URL", "e.g. https://api.openai.com/v1")}
          {field("model", "Model", "e.g. gpt-4o-mini")}
          {field("apiKey", draft.id ? "API key (empty: keep)" : "API key (optional)", draft.id ? "unchanged" : "sk-…")}
          <label>
            {draft.id ? "Headers (empty: keep)" : "Extra headers (Name: value per line)"}
            <textarea
              className="input"
              rows={1}
              value={draft.headers}
              onChange={(e) => setDraft({ ...draft, headers: e.target.value })}
              placeholder="optional"
              aria-invalid={Boolean(Object.keys(save.errors).find((k) => k.startsWith("headers")))}
            />
            {Object.entries(save.errors)
              .filter(([k]) => k.startsWith("headers"))
              .map(([k, m]) => (
                <span key={k} className="field-error">
                  {k}: {m}
                </span>
              ))}
          </label>
          <button className="btn small" type="submit" disabled={save.pending}>
            {save.pending ? "Saving…" : draft.id ? "Save connection" : "Add connection"}
          </button>
          {draft.id ? (
            <button type="button" className="btn secondary small" onClick={() => setDraft(EMPTY)}>
              Cancel
            </button>
          ) : null}
          {save.message && Object.keys(save.errors).length === 0 ? <span className="field-error" role="alert">{save.message}</span> : null}
        </form>
      ) : (
        <p className="tz-note">Your role can see LLM connections but not change or test them.</p>
      )}
    </section>
  );
}

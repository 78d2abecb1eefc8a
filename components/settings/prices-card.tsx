"use client";

import { useRef, useState, type FormEvent } from "react";
import type { PriceOverrideView, UnknownModel } from "@/lib/queries/prices";
import { useMutationForm } from "./use-mutation-form";

type Draft = { provider: string; model: string; input: string; output: string; cached: string };
const EMPTY: Draft = { provider: "", model: "", input: "", output: "", cached: "" };

const usd = (v: number | null) => (v === null ? "—" : `$${v.toLocaleString("en-US", { minimumFractionDigits: 2, maximumFractionDigits: 6 })}`);
/** An empty box is "not set"; anything else goes as a number, or as typed so the server names the field. */
const amount = (text: string) => (text.trim() === "" ? null : Number.isFinite(Number(text)) ? Number(text) : text);

export function PricesCard({
  project,
  overrides,
  unknown,
  tableVersion,
  canWrite,
}: {
  project: string;
  overrides: PriceOverrideView[];
  unknown: UnknownModel[];
  tableVersion: string;
  canWrite: boolean;
}) {
  const save = useMutationForm<PriceOverrideView>();
  const remove = useMutationForm<null>();
  const reprice = useMutationForm<{ model: string }>();
  const [draft, setDraft] = useState<Draft>(EMPTY);
  const [queued, setQueued] = useState<string | null>(null);
  const modelInput = useRef<HTMLInputElement>(null);
  const base = `/api/projects/${encodeURIComponent(project)}/prices`;
  const overridden = new Set(overrides.map((o) => o.model.toLowerCase()));

  const edit = (next: Draft) => {
    setDraft(next);
    modelInput.current?.focus();
  };
  const onSave = async (event: FormEvent) => {
    event.preventDefault();
    const result = await save.send("PUT", base, {
      provider: draft.provider.trim() === "" ? null : draft.provider,
      model: draft.model,
      inputPerMillion: amount(draft.input),
      outputPerMillion: amount(draft.output),
      cachedInputPerMillion: amount(draft.cached),
    });
    if (result) setDraft(EMPTY);
  };
  const onReprice = async (model: string) => {
    setQueued(null);
    const result = await reprice.send("POST", `${base}/reprice`, { model });
    if (result) setQueued(model);
  };
  const field = (key: keyof Draft, label: string, path: string, placeholder: string) => (
    <label>
      {label}
      <input
        className="input"
        ref={key === "model" ? modelInput : undefined}
        value={draft[key]}
        onChange={(e) => setDraft({ ...draft, [key]: e.target.value })}
        placeholder={placeholder}
        aria-invalid={Boolean(save.errors[path])}
        inputMode={key === "model" || key === "provider" ? undefined : "decimal"}
      />
      {save.errors[path] ? <span className="field-error">{save.errors[path]}</span> : null}
    </label>
  );

  return (
    <section className="card" aria-labelledby="prices-heading">
      <h2 id="prices-heading">Model prices</h2>
      <p className="muted">
        A call without a cost from the client is priced at ingest from its model and tokens with the bundled price table <code>{tableVersion}</code>. Your own
        prices below come first: for private or fine-tuned models, or a negotiated rate. They apply to traces received from now on; re-price history to
        update stored traces (never those whose cost the client sent).
      </p>
      {overrides.length === 0 ? (
        <p className="muted">No prices of your own yet.</p>
      ) : (
        <table className="compact" aria-label="Price overrides">
          <thead>
            <tr>
              <th scope="col">Provider</th>
              <th scope="col">Model</th>
              <th scope="col" className="num">Input / 1M</th>
              <th scope="col" className="num">Output / 1M</th>
              <th scope="col" className="num">Cached input / 1M</th>
              {canWrite ? <th scope="col"><span className="sr-only">Actions</span></th> : null}
            </tr>
          </thead>
          <tbody>
            {overrides.map((o) => (
              <tr key={o.id}>
                <td>{o.provider ?? <span className="muted">any</span>}</td>
                <td>
                  <code>{o.model}</code>
                </td>
                <td className="num">{usd(o.inputPerMillion)}</td>
                <td className="num">{usd(o.outputPerMillion)}</td>
                <td className="num">{o.cachedInputPerMillion === null ? <span className="muted">as input</span> : usd(o.cachedInputPerMillion)}</td>
                {canWrite ? (
                  <td>
                    <div className="toolbar">
                      <button
                        type="button"
                        className="btn secondary small"
                        onClick={() =>
                          edit({
                            provider: o.provider ?? "",
                            model: o.model,
                            input: String(o.inputPerMillion),
                            output: String(o.outputPerMillion),
                            cached: o.cachedInputPerMillion === null ? "" : String(o.cachedInputPerMillion),
                          })
                        }
                      >
                        Edit
                      </button>
                      <button type="button" className="btn secondary small" disabled={reprice.pending} onClick={() => void onReprice(o.model)}>
                        Re-price history
                      </button>
                      <button
                        type="button"
                        className="btn danger small"
                        disabled={remove.pending}
                        onClick={() => {
                          if (window.confirm(`Remove your price for "${o.model}"? New traces of it fall back to the price table.`)) void remove.send("DELETE", `${base}/${o.id}`);
                        }}
                      >
                        Remove
                      </button>
                    </div>
                  </td>
                ) : null}
              </tr>
            ))}
          </tbody>
        </table>
      )}
      {remove.message ? <div className="field-error" role="alert">{remove.message}</div> : null}
      {queued ? (
        <p role="status" className="tz-note">
          Re-pricing the stored traces of <code>{queued}</code> in the background.
        </p>
      ) : null}
      {reprice.message ? <div className="field-error" role="alert">{reprice.message}</div> : null}
      {canWrite ? (
        <form className="inline-form" onSubmit={onSave} aria-label="Set a model price">
          {field("provider", "Provider (empty: any)", "provider", "e.g. openai")}
          {field("model", "Model", "model", "e.g. ft:gpt-4o-mini:acme::x1")}
          {field("input", "Input $ / 1M tokens", "inputPerMillion", "e.g. 0.30")}
          {field("output", "Output $ / 1M tokens", "outputPerMillion", "e.g. 1.20")}
          {field("cached", "Cached input $ / 1M (empty: as input)", "cachedInputPerMillion", "optional")}
          <button className="btn small" type="submit" disabled={save.pending}>
            {save.pending ? "Setting…" : "Set price"}
          </button>
          {save.message && Object.keys(save.errors).length === 0 ? <span className="field-error" role="alert">{save.message}</span> : null}
        </form>
      ) : (
        <p className="tz-note">Your role can see prices but not change them.</p>
      )}

      <h3 id="unknown-models-heading" style={{ marginTop: 18 }}>
        Unpriced models (last 30 days)
      </h3>
      {unknown.length === 0 ? (
        <p className="muted">Every call with token counts in the last 30 days has a cost.</p>
      ) : (
        <table className="compact" aria-labelledby="unknown-models-heading">
          <thead>
            <tr>
              <th scope="col">Provider</th>
              <th scope="col">Model</th>
              <th scope="col" className="num">Calls without cost</th>
              <th scope="col">Last seen (UTC)</th>
              {canWrite ? <th scope="col"><span className="sr-only">Actions</span></th> : null}
            </tr>
          </thead>
          <tbody>
            {unknown.map((m) => (
              <tr key={`${m.provider ?? ""}|${m.model}`}>
                <td>{m.provider ?? <span className="muted">—</span>}</td>
                <td>
                  <code>{m.model}</code>
                </td>
                <td className="num">{m.traces.toLocaleString("en-US")}</td>
                <td>{m.lastSeen.slice(0, 16).replace("T", " ")}</td>
                {canWrite ? (
                  <td>
                    <div className="toolbar">
                      <button type="button" className="btn small" onClick={() => edit({ ...EMPTY, provider: m.provider ?? "", model: m.model })}>
                        Price this model
                      </button>
                      {m.repricing ? (
                        <span className="badge">re-pricing…</span>
                      ) : overridden.has(m.model.toLowerCase()) ? (
                        <button type="button" className="btn secondary small" disabled={reprice.pending} onClick={() => void onReprice(m.model)}>
                          Re-price history
                        </button>
                      ) : null}
                    </div>
                  </td>
                ) : null}
              </tr>
            ))}
          </tbody>
        </table>
      )}
    </section>
  );
}

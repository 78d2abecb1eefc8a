"use client";

import { useQueryClient } from "@tanstack/react-query";
import { useState, type FormEvent, type ReactNode } from "react";
import { useJsonMutation, type FieldErrors } from "./use-json-mutation";
import { queryKeys } from "@/lib/charts/query-keys";
import { MONITOR_KIND_LABELS } from "@/lib/charts/monitor-labels";

const KINDS = Object.keys(MONITOR_KIND_LABELS) as Array<keyof typeof MONITOR_KIND_LABELS>;

const EXAMPLES: Record<string, string> = {
  embedding_drift: '{ "text": "prompt", "auc": 0.55 }',
  topic_drift: '{ "psi": 0.1, "emergingShare": 0.1 }',
  concept_drift: '{ "scores": ["golden.rougeL", "semantic.semscore"], "scoreEffect": 0.2 }',
  version_regression: '{ "relativeDelta": 0.1 }',
  metric: '{ "metric": "latency_ms", "detector": "page_hinkley" }',
};

/** The errors whose path is `field` or below it, as "path: message" (the service answers one entry per bad field). */
export function errorsFor(errors: FieldErrors, field: string): string[] {
  return Object.entries(errors)
    .filter(([path]) => path === field || path.startsWith(`${field}.`))
    .map(([path, message]) => (path === field ? message : `${path.slice(field.length + 1)}: ${message}`));
}

export function Field(props: { label: string; errors: string[]; children: ReactNode; hint?: string }) {
  return (
    <label className="field" style={{ display: "grid", gap: 4 }}>
      <span>{props.label}</span>
      {props.children}
      {props.hint ? <span className="tz-note">{props.hint}</span> : null}
      {props.errors.map((e) => (
        <span key={e} className="field-error">
          {e}
        </span>
      ))}
    </label>
  );
}

/**
 * Creates a monitor through the session API. The service validates; its
 * field errors (`details[].path`) are shown next to their fields and nothing
 * is created.
 */
export function CreateMonitorForm({ project }: { project: string }) {
  const queryClient = useQueryClient();
  const create = useJsonMutation<{ id: string; name: string }>();
  const [form, setForm] = useState({
    name: "",
    kind: "topic_drift",
    provider: "",
    model: "",
    route: "",
    tags: "",
    window: "24h",
    schedule: "0 * * * *",
    referenceType: "preceding",
    referenceFrom: "",
    referenceTo: "",
    thresholds: "{}",
  });
  const [jsonError, setJsonError] = useState<string | null>(null);
  const [created, setCreated] = useState<string | null>(null);
  const set = (key: keyof typeof form) => (e: { target: { value: string } }) => setForm((f) => ({ ...f, [key]: e.target.value }));

  const onSubmit = async (event: FormEvent) => {
    event.preventDefault();
    setCreated(null);
    let thresholds: unknown;
    try {
      thresholds = form.thresholds.trim() === "" ? {} : JSON.parse(form.thresholds);
      setJsonError(null);
    } catch {
      setJsonError("must be a JSON object, e.g. { \"alpha\": 0.01 }");
      return;
    }
    const segment: Record<string, unknown> = {};
    if (form.provider.trim()) segment.provider = form.provider.trim();
    if (form.model.trim()) segment.model = form.model.trim();
    if (form.route.trim()) segment.route = form.route.trim();
    const tags = form.tags.split(",").map((t) => t.trim()).filter(Boolean);
    if (tags.length) segment.tags = tags;
    const reference =
      form.referenceType === "fixed"
        ? { type: "fixed", from: form.referenceFrom ? `${form.referenceFrom}:00Z` : "", to: form.referenceTo ? `${form.referenceTo}:00Z` : "" }
        : { type: "preceding" };
    const result = await create.send("POST", `/api/projects/${encodeURIComponent(project)}/monitors`, {
      name: form.name,
      kind: form.kind,
      segment,
      window: form.window,
      schedule: form.schedule,
      reference,
      thresholds,
    });
    if (result) {
      setCreated(result.name);
      setForm((f) => ({ ...f, name: "" }));
      await queryClient.invalidateQueries({ queryKey: queryKeys.monitors(project) });
    }
  };
  const e = create.errors;
  const hasFieldErrors = Object.keys(e).length > 0 || jsonError !== null;
  return (
    <section className="card" aria-labelledby="create-monitor-heading">
      <h2 id="create-monitor-heading">New monitor</h2>
      <form onSubmit={onSubmit} aria-label="Create monitor" noValidate style={{ display: "grid", gap: 10, gridTemplateColumns: "repeat(auto-fill, minmax(220px, 1fr))" }}>
        <Field label="Name" errors={errorsFor(e, "name")}>
          <input className="input" value={form.name} onChange={set("name")} aria-invalid={errorsFor(e, "name").length > 0} placeholder="e.g. support prompts" />
        </Field>
        <Field label="Kind" errors={errorsFor(e, "kind")}>
          <select className="input" value={form.kind} onChange={set("kind")}>
            {KINDS.map((k) => (
              <option key={k} value={k}>
                {MONITOR_KIND_LABELS[k]}
              </option>
            ))}
          </select>
        </Field>
        <Field label="Segment: provider" errors={errorsFor(e, "segment.provider")}>
          <input className="input" value={form.provider} onChange={set("provider")} placeholder="any" />
        </Field>
        <Field label="Segment: model" errors={errorsFor(e, "segment.model")}>
          <input className="input" value={form.model} onChange={set("model")} placeholder="any" />
        </Field>
        <Field label="Segment: route" errors={errorsFor(e, "segment.route")}>
          <input className="input" value={form.route} onChange={set("route")} placeholder="any" />
        </Field>
        <Field label="Segment: tags (comma-separated, all must match)" errors={errorsFor(e, "segment.tags")}>
          <input className="input" value={form.tags} onChange={set("tags")} placeholder="none" />
        </Field>
        <Field label="Window" errors={errorsFor(e, "window")} hint='"30m", "24h", "7d"; 5 minutes to 90 days'>
          <input className="input" value={form.window} onChange={set("window")} aria-invalid={errorsFor(e, "window").length > 0} />
        </Field>
        <Field label="Schedule (cron, UTC)" errors={errorsFor(e, "schedule")} hint="minute hour day month weekday">
          <input className="input" value={form.schedule} onChange={set("schedule")} aria-invalid={errorsFor(e, "schedule").length > 0} />
        </Field>
        <Field label="Reference" errors={errorsFor(e, "reference").filter(() => form.referenceType !== "fixed")}>
          <select className="input" value={form.referenceType} onChange={set("referenceType")}>
            <option value="preceding">The window before the current one</option>
            <option value="fixed">A fixed range</option>
          </select>
        </Field>
        {form.referenceType === "fixed" ? (
          <>
            <Field label="Reference from (UTC)" errors={errorsFor(e, "reference.from")}>
              <input className="input" type="datetime-local" value={form.referenceFrom} onChange={set("referenceFrom")} />
            </Field>
            <Field label="Reference to (UTC)" errors={errorsFor(e, "reference.to")}>
              <input className="input" type="datetime-local" value={form.referenceTo} onChange={set("referenceTo")} />
            </Field>
          </>
        ) : null}
        <div style={{ gridColumn: "1 / -1" }}>
          <Field
            label="Thresholds (JSON; only what you set is stored, defaults apply)"
            errors={[...(jsonError ? [jsonError] : []), ...errorsFor(e, "thresholds")]}
            hint={`e.g. ${EXAMPLES[form.kind] ?? "{}"} — see docs/monitors.md`}
          >
            <textarea className="input" rows={2} value={form.thresholds} onChange={set("thresholds")} spellCheck={false} style={{ fontFamily: "monospace" }} />
          </Field>
        </div>
        <div className="toolbar" style={{ gridColumn: "1 / -1" }}>
          <button className="btn" type="submit" disabled={create.pending}>
            {create.pending ? "Creating…" : "Create monitor"}
          </button>
          {created ? (
            <span role="status" className="muted">
              Created “{created}”; its history is backfilled within a minute.
            </span>
          ) : null}
          {create.message ? (
            <span className="field-error" role="alert">
              {hasFieldErrors ? "Nothing was created: fix the fields marked above." : create.message}
            </span>
          ) : null}
        </div>
      </form>
    </section>
  );
}

"use client";

import { useState, type FormEvent } from "react";
import { useMutationForm } from "./use-mutation-form";

export function ProjectSettingsForm(props: {
  project: string;
  name: string;
  redaction: string;
  retentionDays: number | null;
  redactionKinds: readonly string[];
  canWrite: boolean;
}) {
  const save = useMutationForm<{ name: string }>();
  const [name, setName] = useState(props.name);
  const [redaction, setRedaction] = useState(props.redaction);
  const [retention, setRetention] = useState(props.retentionDays === null ? "" : String(props.retentionDays));
  const [saved, setSaved] = useState(false);

  const onSubmit = async (event: FormEvent) => {
    event.preventDefault();
    setSaved(false);
    const retentionDays = retention.trim() === "" ? null : Number(retention);
    const result = await save.send("PATCH", `/api/projects/${encodeURIComponent(props.project)}/settings`, { name, redaction, retentionDays });
    if (result) setSaved(true);
  };
  const disabled = !props.canWrite;
  return (
    <section className="card" aria-labelledby="project-heading">
      <h2 id="project-heading">Project</h2>
      <form onSubmit={onSubmit} aria-label="Project settings">
        <div className="field">
          <label htmlFor="project-name">Name</label>
          <input id="project-name" value={name} onChange={(e) => setName(e.target.value)} disabled={disabled} aria-invalid={Boolean(save.errors.name)} />
          {save.errors.name ? <span className="field-error">Name {save.errors.name}</span> : null}
        </div>
        <div className="field">
          <label htmlFor="project-redaction">PII redaction before storage</label>
          <input id="project-redaction" value={redaction} onChange={(e) => setRedaction(e.target.value)} disabled={disabled} aria-describedby="redaction-help" aria-invalid={Boolean(save.errors.redaction)} />
          <span id="redaction-help" className="tz-note">
            <code>default</code> (all kinds), <code>off</code>, or a comma list of: {props.redactionKinds.join(", ")}. Applies to traces received from now on.
          </span>
          {save.errors.redaction ? <span className="field-error">{save.errors.redaction}</span> : null}
        </div>
        <div className="field">
          <label htmlFor="project-retention">Retention (days; empty keeps traces forever)</label>
          <input id="project-retention" inputMode="numeric" value={retention} onChange={(e) => setRetention(e.target.value)} disabled={disabled} aria-invalid={Boolean(save.errors.retentionDays)} />
          {save.errors.retentionDays ? <span className="field-error">Retention {save.errors.retentionDays}</span> : null}
          <span className="tz-note">Older traces (with their scores and embeddings) are deleted in batches every 10 minutes.</span>
        </div>
        {props.canWrite ? (
          <div className="toolbar">
            <button className="btn small" type="submit" disabled={save.pending}>
              Save
            </button>
            {saved ? <span role="status" className="tz-note">Saved.</span> : null}
            {save.message && Object.keys(save.errors).length === 0 ? <span className="field-error" role="alert">{save.message}</span> : null}
          </div>
        ) : (
          <p className="tz-note">Only project admins change these.</p>
        )}
      </form>
    </section>
  );
}

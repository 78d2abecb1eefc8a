"use client";

import { useRouter } from "next/navigation";
import { useState, type FormEvent } from "react";
import { useMutationForm } from "./use-mutation-form";

/** Shown to instance administrators only. */
export function CreateProjectCard() {
  const router = useRouter();
  const create = useMutationForm<{ slug: string }>();
  const [form, setForm] = useState({ slug: "", name: "" });
  const onSubmit = async (event: FormEvent) => {
    event.preventDefault();
    const result = await create.send("POST", "/api/projects", form);
    if (result) router.push(`/p/${result.slug}/settings`);
  };
  return (
    <section className="card" aria-labelledby="new-project-heading">
      <h2 id="new-project-heading">New project</h2>
      <p className="muted">As an instance administrator you can create projects; you become the new project&apos;s admin.</p>
      <form className="inline-form" onSubmit={onSubmit} aria-label="Create project">
        <label>
          Slug
          <input className="input" value={form.slug} onChange={(e) => setForm({ ...form, slug: e.target.value })} placeholder="checkout-bot" aria-invalid={Boolean(create.errors.slug)} />
          {create.errors.slug ? <span className="field-error">Slug {create.errors.slug}</span> : null}
        </label>
        <label>
          Name
          <input className="input" value={form.name} onChange={(e) => setForm({ ...form, name: e.target.value })} placeholder="Checkout assistant" aria-invalid={Boolean(create.errors.name)} />
          {create.errors.name ? <span className="field-error">Name {create.errors.name}</span> : null}
        </label>
        <button className="btn small" type="submit" disabled={create.pending}>
          Create project
        </button>
        {create.message && Object.keys(create.errors).length === 0 ? <span className="field-error" role="alert">{create.message}</span> : null}
      </form>
    </section>
  );
}

"use client";

import { useState, type FormEvent } from "react";
import { useMutationForm } from "./use-mutation-form";

export type MemberItem = { userId: string; email: string; name: string | null; role: "admin" | "engineer" | "viewer" };
const ROLES = ["admin", "engineer", "viewer"] as const;

export function MembersCard({ project, members, canWrite, currentUserId }: { project: string; members: MemberItem[]; canWrite: boolean; currentUserId: string }) {
  const add = useMutationForm<{ email: string; created: boolean }>();
  const change = useMutationForm<unknown>();
  const [form, setForm] = useState({ email: "", role: "viewer", password: "" });
  const [notice, setNotice] = useState<string | null>(null);
  const base = `/api/projects/${encodeURIComponent(project)}/members`;

  const onAdd = async (event: FormEvent) => {
    event.preventDefault();
    setNotice(null);
    const result = await add.send("POST", base, form);
    if (result) {
      setNotice(`${result.email} added${result.created ? " (new account created with the password given)" : ""}.`);
      setForm({ email: "", role: "viewer", password: "" });
    }
  };
  return (
    <section className="card" aria-labelledby="members-heading">
      <h2 id="members-heading">Members and roles</h2>
      <p className="muted">Admins manage members and settings; engineers manage monitors, alert channels and keys; viewers read dashboards.</p>
      <table className="compact">
        <thead>
          <tr>
            <th scope="col">Email</th>
            <th scope="col">Name</th>
            <th scope="col">Role</th>
            {canWrite ? <th scope="col"><span className="sr-only">Actions</span></th> : null}
          </tr>
        </thead>
        <tbody>
          {members.map((m) => (
            <tr key={m.userId}>
              <td>{m.email}</td>
              <td>{m.name ?? "—"}</td>
              <td>
                {canWrite ? (
                  <select
                    className="input"
                    aria-label={`Role of ${m.email}`}
                    value={m.role}
                    disabled={change.pending}
                    onChange={(e) => void change.send("PATCH", `${base}/${m.userId}`, { role: e.target.value })}
                  >
                    {ROLES.map((r) => (
                      <option key={r}>{r}</option>
                    ))}
                  </select>
                ) : (
                  m.role
                )}
              </td>
              {canWrite ? (
                <td>
                  <button
                    type="button"
                    className="btn danger small"
                    disabled={change.pending}
                    onClick={() => {
                      const who = m.userId === currentUserId ? "yourself" : m.email;
                      if (window.confirm(`Remove ${who} from this project?`)) void change.send("DELETE", `${base}/${m.userId}`);
                    }}
                  >
                    Remove
                  </button>
                </td>
              ) : null}
            </tr>
          ))}
        </tbody>
      </table>
      {change.message ? <div className="field-error" role="alert">{change.message}</div> : null}
      {canWrite ? (
        <form className="inline-form" onSubmit={onAdd} aria-label="Add member">
          <label>
            Email
            <input className="input" type="email" required value={form.email} onChange={(e) => setForm({ ...form, email: e.target.value })} aria-invalid={Boolean(add.errors.email)} />
            {add.errors.email ? <span className="field-error">Email {add.errors.email}</span> : null}
          </label>
          <label>
            Role
            <select className="input" value={form.role} onChange={(e) => setForm({ ...form, role: e.target.value })}>
              {ROLES.map((r) => (
                <option key={r}>{r}</option>
              ))}
            </select>
          </label>
          <label>
            Initial password (new accounts only)
            <input className="input" type="password" autoComplete="new-password" value={form.password} onChange={(e) => setForm({ ...form, password: e.target.value })} aria-invalid={Boolean(add.errors.password)} />
            {add.errors.password ? <span className="field-error">Password {add.errors.password}</span> : null}
          </label>
          <button className="btn small" type="submit" disabled={add.pending}>
            Add member
          </button>
          {add.message && Object.keys(add.errors).length === 0 ? <span className="field-error" role="alert">{add.message}</span> : null}
          {notice ? <span role="status" className="tz-note">{notice}</span> : null}
        </form>
      ) : null}
    </section>
  );
}

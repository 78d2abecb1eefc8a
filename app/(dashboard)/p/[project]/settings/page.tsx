import type { Metadata } from "next";
import { getProjectAccess, requireUser } from "@/lib/auth/current-user";
import { listApiKeys, listMembers } from "@/lib/queries/project-settings";
import { getDatabase } from "@/lib/server/database";

export const metadata: Metadata = { title: "Settings" };
export const dynamic = "force-dynamic";

const day = (d: Date | null) => (d ? d.toISOString().slice(0, 10) : "—");

export default async function SettingsPage({ params }: { params: Promise<{ project: string }> }) {
  const { project } = await params;
  const access = await getProjectAccess(await requireUser(), project);
  const { db } = await getDatabase();
  const [keys, members] = await Promise.all([listApiKeys(db, access.project.id), listMembers(db, access.project.id)]);
  return (
    <>
      <div className="page-header">
        <div>
          <h1>Settings</h1>
          <div className="muted">
            {access.project.name} · slug <code>{access.project.slug}</code> · your role: {access.role}
          </div>
        </div>
      </div>
      <section className="grid" style={{ gap: 14 }}>
        <div className="card">
          <h2>API keys</h2>
          <p className="muted">Only a digest of each key is stored; a key is shown in full once, when it is created.</p>
          <table>
            <thead>
              <tr>
                <th>Name</th>
                <th>Key</th>
                <th>Created</th>
                <th>Last used</th>
                <th>State</th>
              </tr>
            </thead>
            <tbody>
              {keys.map((k) => (
                <tr key={k.id}>
                  <td>{k.name}</td>
                  <td>
                    <code>{k.prefix}…</code>
                  </td>
                  <td>{day(k.createdAt)}</td>
                  <td>{day(k.lastUsedAt)}</td>
                  <td>{k.revokedAt ? <span className="badge error">revoked</span> : <span className="badge ok">active</span>}</td>
                </tr>
              ))}
            </tbody>
          </table>
        </div>
        <div className="card">
          <h2>Members</h2>
          <table>
            <thead>
              <tr>
                <th>Email</th>
                <th>Name</th>
                <th>Role</th>
              </tr>
            </thead>
            <tbody>
              {members.map((m) => (
                <tr key={m.userId}>
                  <td>{m.email}</td>
                  <td>{m.name ?? "—"}</td>
                  <td>{m.role}</td>
                </tr>
              ))}
            </tbody>
          </table>
        </div>
      </section>
    </>
  );
}

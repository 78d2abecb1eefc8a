import type { Metadata } from "next";
import { getProjectAccess, requireUser } from "@/lib/auth/current-user";
import { formatMs, formatUsd } from "@/lib/format";
import { listRecentTraces } from "@/lib/queries/recent-traces";
import { getDatabase } from "@/lib/server/database";

export const metadata: Metadata = { title: "Traces" };
export const dynamic = "force-dynamic";

export default async function TracesPage({ params }: { params: Promise<{ project: string }> }) {
  const { project } = await params;
  const access = await getProjectAccess(await requireUser(), project);
  const { db } = await getDatabase();
  const rows = await listRecentTraces(db, access.project.id, 100);
  return (
    <>
      <div className="page-header">
        <div>
          <h1>Traces</h1>
          <div className="muted">The latest 100 LLM calls.</div>
        </div>
      </div>
      <div className="card">
        {rows.length === 0 ? (
          <p className="muted">No traces yet.</p>
        ) : (
          <table>
            <thead>
              <tr>
                <th>Time (UTC)</th>
                <th>Model</th>
                <th>Route</th>
                <th>Prompt</th>
                <th>Status</th>
                <th className="num">Latency</th>
                <th className="num">Cost</th>
              </tr>
            </thead>
            <tbody>
              {rows.map((t) => (
                <tr key={t.id}>
                  <td style={{ whiteSpace: "nowrap" }}>{t.startedAt.slice(0, 19).replace("T", " ")}</td>
                  <td>{t.model ?? "—"}</td>
                  <td>{t.route ?? "—"}</td>
                  <td className="truncate" title={t.promptText ?? ""}>
                    {t.promptText ?? "—"}
                  </td>
                  <td>
                    <span className={`badge ${t.status}`}>{t.status}</span>
                  </td>
                  <td className="num">{formatMs(t.latencyMs)}</td>
                  <td className="num">{formatUsd(t.costUsd)}</td>
                </tr>
              ))}
            </tbody>
          </table>
        )}
      </div>
    </>
  );
}

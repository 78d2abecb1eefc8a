"use client";

import { useQuery, useQueryClient } from "@tanstack/react-query";
import Link from "next/link";
import { useJsonMutation } from "./use-json-mutation";
import { fetchJson, QueryState } from "@/components/ui/query-state";
import { queryKeys } from "@/lib/charts/query-keys";
import { MONITOR_KIND_LABELS } from "@/lib/charts/monitor-labels";
import { statusTone } from "@/lib/charts/regression";
import type { MonitorView } from "@/lib/queries/monitors";

const when = (iso: string | null) => (iso ? `${iso.slice(0, 16).replace("T", " ")}` : "—");

export function describeSegment(segment: MonitorView["segment"]): string {
  const parts = [
    segment.provider ? `provider ${segment.provider}` : null,
    segment.model ? `model ${segment.model}` : null,
    segment.route ? `route ${segment.route}` : null,
    segment.tags?.length ? `tags ${segment.tags.join(", ")}` : null,
  ].filter(Boolean);
  return parts.length ? parts.join(" · ") : "all traffic";
}

/** Every monitor with its state; pause/resume and delete for roles that may change monitors. */
export function MonitorsTable({ project, canWrite }: { project: string; canWrite: boolean }) {
  const base = `/api/projects/${encodeURIComponent(project)}/monitors`;
  const queryClient = useQueryClient();
  const query = useQuery({
    queryKey: queryKeys.monitors(project),
    queryFn: () => fetchJson<{ data: MonitorView[] }>(base),
    refetchInterval: 15_000,
  });
  const mutate = useJsonMutation<unknown>();
  const act = async (method: "PATCH" | "DELETE", id: string, body?: unknown) => {
    const answer = await mutate.send(method, `${base}/${id}`, body);
    if (answer !== null) {
      // Show the service's answer at once (the updated monitor, or nothing after a delete), then re-read.
      queryClient.setQueryData<{ data: MonitorView[] }>(queryKeys.monitors(project), (old) =>
        old ? { data: method === "DELETE" ? old.data.filter((m) => m.id !== id) : old.data.map((m) => (m.id === id ? (answer as MonitorView) : m)) } : old,
      );
    }
    await queryClient.invalidateQueries({ queryKey: queryKeys.monitors(project) });
    await queryClient.invalidateQueries({ queryKey: queryKeys.alerts(project, "firing") });
  };
  return (
    <section className="card" aria-labelledby="monitors-heading">
      <h2 id="monitors-heading">Monitors</h2>
      <QueryState query={query} label="monitors" isEmpty={(d) => d.data.length === 0} empty="No monitors yet.">
        {(d) => (
          <div style={{ overflowX: "auto" }}>
            <table className="compact" data-testid="monitors-table">
              <thead>
                <tr>
                  <th scope="col">Monitor</th>
                  <th scope="col">Kind</th>
                  <th scope="col">Segment</th>
                  <th scope="col">Window · schedule (UTC)</th>
                  <th scope="col">Last verdict</th>
                  <th scope="col">Alert</th>
                  <th scope="col">Last run (UTC)</th>
                  {canWrite ? (
                    <th scope="col">
                      <span className="sr-only">Actions</span>
                    </th>
                  ) : null}
                </tr>
              </thead>
              <tbody>
                {d.data.map((m) => (
                  <tr key={m.id} data-testid="monitor-row" data-kind={m.kind}>
                    <th scope="row" style={{ fontWeight: 500 }}>
                      <Link href={`/p/${encodeURIComponent(project)}/drift/${m.id}`}>{m.name}</Link>
                      {m.paused ? (
                        <>
                          {" "}
                          <span className="badge warn">paused</span>
                        </>
                      ) : null}
                    </th>
                    <td>{MONITOR_KIND_LABELS[m.kind]}</td>
                    <td className="muted">{describeSegment(m.segment)}</td>
                    <td>
                      {m.window} · <code>{m.schedule}</code>
                    </td>
                    <td>
                      {m.latestResult ? (
                        <span className={`badge ${statusTone(m.latestResult.verdict)}`} data-testid="last-verdict">
                          {m.latestResult.verdict.replace("_", " ")}
                        </span>
                      ) : (
                        <span className="muted">{m.backfilledAt ? "no window yet" : "backfilling…"}</span>
                      )}
                      {m.latestResult ? <div className="tz-note">window ending {when(m.latestResult.windowEnd)}</div> : null}
                    </td>
                    <td>
                      <span className={`badge ${m.alertState === "firing" ? "error" : "ok"}`} data-testid="alert-state">
                        {m.alertState}
                      </span>
                    </td>
                    <td>
                      {when(m.lastRunAt)}
                      {m.lastError ? (
                        <div className="field-error" title={m.lastError}>
                          error: {m.lastError.length > 80 ? `${m.lastError.slice(0, 79)}…` : m.lastError}
                        </div>
                      ) : null}
                    </td>
                    {canWrite ? (
                      <td>
                        <div className="toolbar" style={{ gap: 6, flexWrap: "nowrap" }}>
                          <button type="button" className="btn secondary small" disabled={mutate.pending} onClick={() => void act("PATCH", m.id, { paused: !m.paused })}>
                            {m.paused ? "Resume" : "Pause"}
                          </button>
                          <button
                            type="button"
                            className="btn danger small"
                            disabled={mutate.pending}
                            onClick={() => {
                              if (window.confirm(`Delete the monitor "${m.name}" with its results and alerts?`)) void act("DELETE", m.id);
                            }}
                          >
                            Delete
                          </button>
                        </div>
                      </td>
                    ) : null}
                  </tr>
                ))}
              </tbody>
            </table>
          </div>
        )}
      </QueryState>
      {mutate.message ? (
        <div className="field-error" role="alert">
          {mutate.message}
        </div>
      ) : null}
    </section>
  );
}

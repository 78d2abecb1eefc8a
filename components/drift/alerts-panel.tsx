"use client";

import { useQuery } from "@tanstack/react-query";
import Link from "next/link";
import { fetchJson, QueryState } from "@/components/ui/query-state";
import { alertEvidenceHref, alertVersionChangeHrefs, firingAlerts } from "@/lib/charts/alerts";
import { queryKeys } from "@/lib/charts/query-keys";
import { formatWindowRange } from "@/lib/charts/monitor-labels";
import type { AlertView } from "@/lib/queries/monitors-alerts";

const when = (iso: string) => `${iso.slice(0, 16).replace("T", " ")} UTC`;

/** Firing alerts, each with links to the window that is its evidence (and the version changes behind a regression). */
export function AlertsPanel({ project }: { project: string }) {
  const query = useQuery({
    queryKey: queryKeys.alerts(project, "firing"),
    queryFn: () => fetchJson<{ data: AlertView[] }>(`/api/projects/${encodeURIComponent(project)}/alerts?state=firing`),
    refetchInterval: 30_000,
  });
  return (
    <section className="card" aria-labelledby="alerts-heading" data-testid="alerts-panel">
      <h2 id="alerts-heading">Firing alerts</h2>
      <QueryState
        query={query}
        label="alerts"
        isEmpty={(d) => firingAlerts(d.data).length === 0}
        empty="No alert is firing. Windows computed by a backfill are history and never open alerts; new windows do."
      >
        {(d) => (
          <ul style={{ listStyle: "none", padding: 0, margin: 0, display: "grid", gap: 10 }}>
            {firingAlerts(d.data).map((a) => (
              <li key={a.id} data-testid="firing-alert">
                <div>
                  <span className="badge error">firing</span> <strong>{a.title}</strong>
                </div>
                <div className="muted" style={{ fontSize: 13 }}>
                  {a.summary}
                </div>
                <div className="tz-note">
                  {a.monitor.name} · opened {when(a.openedAt)} · {a.occurrences} window{a.occurrences === 1 ? "" : "s"} · latest{" "}
                  {formatWindowRange(a.lastEvidence.windowStart, a.lastEvidence.windowEnd)}
                </div>
                <div className="toolbar" style={{ gap: 10 }}>
                  <Link href={alertEvidenceHref(project, a)}>Evidence →</Link>
                  {alertVersionChangeHrefs(project, a).map((href, i) => (
                    <Link key={href} href={href}>
                      Version change {i + 1} →
                    </Link>
                  ))}
                </div>
              </li>
            ))}
          </ul>
        )}
      </QueryState>
    </section>
  );
}

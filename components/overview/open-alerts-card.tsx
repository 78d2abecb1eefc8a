"use client";

import { useQuery } from "@tanstack/react-query";
import Link from "next/link";
import { fetchJson } from "@/components/ui/query-state";
import { describeOpenAlerts } from "@/lib/charts/alerts";
import { queryKeys } from "@/lib/charts/query-keys";
import type { OpenAlerts } from "@/lib/queries/open-alerts";

/** The open-alerts KPI: monitors firing now (not tied to the period: an alert is open until it resolves). */
export function OpenAlertsCard({ project }: { project: string }) {
  const query = useQuery({
    queryKey: queryKeys.openAlerts(project),
    queryFn: () => fetchJson<OpenAlerts>(`/api/projects/${encodeURIComponent(project)}/alerts/open`),
    refetchInterval: 30_000,
  });
  if (query.isPending) return <div className="skeleton" aria-busy="true" aria-label="Loading open alerts" />;
  if (query.isError) {
    return (
      <div className="card error-state" role="alert" data-testid="kpi-open-alerts">
        Could not load open alerts.{" "}
        <button type="button" className="btn secondary small" onClick={() => void query.refetch()}>
          Retry
        </button>
      </div>
    );
  }
  const open = query.data;
  return (
    <div className="card" data-testid="kpi-open-alerts">
      <div className="kpi-label">Open alerts</div>
      <div className="kpi-value">{open.firing}</div>
      <span className={`trend ${open.firing > 0 ? "up-bad" : "muted"}`}>{describeOpenAlerts(open)}</span>
      <div className="tz-note">
        <Link href={`/p/${encodeURIComponent(project)}/drift`}>See monitors →</Link>
      </div>
    </div>
  );
}

"use client";

import { useQuery } from "@tanstack/react-query";
import { CostChart } from "@/components/charts/cost-chart";
import { LatencyChart } from "@/components/charts/latency-chart";
import { TrafficChart } from "@/components/charts/traffic-chart";
import { PeriodDataNotice } from "@/components/layout/period-data-notice";
import { PeriodPicker } from "@/components/layout/period-picker";
import { fetchJson, QueryState } from "@/components/ui/query-state";
import { describeSelection, selectionKey, selectionToSearch, type PeriodSelection } from "@/lib/period";
import { prepareKpis, prepareOverviewSeries } from "@/lib/charts/prepare-overview";
import { queryKeys } from "@/lib/charts/query-keys";
import type { Overview } from "@/lib/queries/overview";
import { BreakdownCard } from "./breakdown-card";
import { KpiCard } from "./kpi-card";
import { NearDuplicatesCard } from "./near-duplicates-card";
import { OpenAlertsCard } from "./open-alerts-card";

export function OverviewView({ project, selection }: { project: string; selection: PeriodSelection }) {
  const search = selectionToSearch(selection);
  const query = useQuery({
    queryKey: queryKeys.overview(project, selectionKey(selection)),
    queryFn: () => fetchJson<Overview>(`/api/projects/${encodeURIComponent(project)}/overview?${search}`),
  });
  const unitLabel = query.data?.period.unit === "hour" ? "hour" : "day";
  return (
    <>
      <div className="page-header">
        <div>
          <h1>Overview</h1>
          <div className="muted">
            {describeSelection(selection)}, against the period before it. All times UTC.
            {query.data && query.data.pendingHours > 0 ? (
              <span className="badge warn" style={{ marginLeft: 8 }} title="Hours changed since the last rollup; the figures catch up within seconds">
                updating {query.data.pendingHours} h
              </span>
            ) : null}
          </div>
        </div>
        <PeriodPicker selection={selection} />
      </div>
      <PeriodDataNotice project={project} selection={selection} />
      <section aria-label="Key figures">
        <QueryState
          query={query}
          label="the key figures"
          skeleton={
            <div className="grid kpis" aria-busy="true" aria-label="Loading the key figures">
              {Array.from({ length: 8 }, (_, i) => (
                <div key={i} className="skeleton" />
              ))}
            </div>
          }
        >
          {(data) => (
            <div className="grid kpis">
              {prepareKpis(data.current, data.previous).map((card) => (
                <KpiCard key={card.id} card={card} />
              ))}
              <OpenAlertsCard project={project} />
            </div>
          )}
        </QueryState>
      </section>
      <section className="grid charts" aria-label="Charts">
        <div className="card">
          <h2>Requests per {unitLabel}</h2>
          <QueryState query={query} label="requests" isEmpty={(d) => d.current.requests === 0} empty="No requests in this period.">
            {(d) => <TrafficChart rows={prepareOverviewSeries(d.series, d.period)} />}
          </QueryState>
        </div>
        <div className="card">
          <h2>Latency p50 / p95 per {unitLabel}</h2>
          <QueryState query={query} label="latency" isEmpty={(d) => d.current.latencyP50Ms === null} empty="No latencies in this period.">
            {(d) => <LatencyChart rows={prepareOverviewSeries(d.series, d.period)} />}
          </QueryState>
        </div>
        <div className="card">
          <h2>Cost per {unitLabel}</h2>
          <QueryState query={query} label="cost" isEmpty={(d) => d.current.requests === 0} empty="No cost in this period.">
            {(d) => <CostChart rows={prepareOverviewSeries(d.series, d.period)} />}
          </QueryState>
        </div>
        <NearDuplicatesCard project={project} selection={selection} />
      </section>
      <BreakdownCard project={project} selection={selection} />
    </>
  );
}

"use client";

import { useQuery } from "@tanstack/react-query";
import Link from "next/link";
import { LatencyChart } from "@/components/charts/latency-chart";
import { RequestsChart } from "@/components/charts/requests-chart";
import { formatCount, formatMs, formatPercent, formatUsd } from "@/lib/format";
import { OVERVIEW_RANGES, overviewQueryKey } from "@/lib/charts/overview-ranges";
import type { Overview } from "@/lib/queries/overview";
import { KpiCard } from "./kpi-card";

async function fetchOverview(project: string, range: string): Promise<Overview> {
  const response = await fetch(`/api/projects/${encodeURIComponent(project)}/overview?range=${range}`);
  if (!response.ok) throw new Error(`overview: HTTP ${response.status}`);
  return response.json() as Promise<Overview>;
}

export function OverviewView({ project, range }: { project: string; range: string }) {
  const query = useQuery({ queryKey: overviewQueryKey(project, range), queryFn: () => fetchOverview(project, range) });
  return (
    <>
      <div className="page-header">
        <div>
          <h1>Overview</h1>
          <div className="muted">Requests, cost and latency for the period, against the period before it.</div>
        </div>
        <nav className="segmented" aria-label="Period">
          {OVERVIEW_RANGES.map((r) => (
            <Link key={r.id} href={`/p/${project}?range=${r.id}`} aria-current={r.id === range ? "true" : undefined}>
              {r.label}
            </Link>
          ))}
        </nav>
      </div>
      {query.isPending ? (
        <div className="grid kpis">
          {Array.from({ length: 6 }, (_, i) => (
            <div key={i} className="skeleton" />
          ))}
        </div>
      ) : query.isError ? (
        <div className="card error-state" role="alert">
          Could not load the overview: {query.error.message}.{" "}
          <button className="btn secondary" onClick={() => query.refetch()}>
            Retry
          </button>
        </div>
      ) : (
        <OverviewBody data={query.data} />
      )}
    </>
  );
}

function OverviewBody({ data }: { data: Overview }) {
  const { current: c, previous: p } = data;
  return (
    <>
      <section className="grid kpis" aria-label="Key figures">
        <KpiCard label="Requests" value={formatCount(c.requests)} current={c.requests} previous={p.requests} higherIsBetter />
        <KpiCard label="Active users" value={formatCount(c.activeUsers)} current={c.activeUsers} previous={p.activeUsers} higherIsBetter />
        <KpiCard label="Total cost" value={formatUsd(c.costUsd)} current={c.costUsd} previous={p.costUsd} higherIsBetter={false} />
        <KpiCard label="Cost per request" value={formatUsd(c.costPerRequestUsd)} current={c.costPerRequestUsd} previous={p.costPerRequestUsd} higherIsBetter={false} />
        <KpiCard label="Latency p50" value={formatMs(c.latencyP50Ms)} current={c.latencyP50Ms} previous={p.latencyP50Ms} higherIsBetter={false} />
        <KpiCard label="Latency p95" value={formatMs(c.latencyP95Ms)} current={c.latencyP95Ms} previous={p.latencyP95Ms} higherIsBetter={false} />
        <KpiCard label="Error rate" value={formatPercent(c.errorRate)} current={c.errorRate} previous={p.errorRate} higherIsBetter={false} />
      </section>
      <section className="grid charts">
        <div className="card">
          <h2>Requests per day</h2>
          {data.daily.length === 0 ? <p className="muted">No requests in this period.</p> : <RequestsChart data={data.daily} />}
        </div>
        <div className="card">
          <h2>p95 latency per day</h2>
          {data.daily.length === 0 ? <p className="muted">No requests in this period.</p> : <LatencyChart data={data.daily} />}
        </div>
        <div className="card">
          <h2>By model</h2>
          <table>
            <thead>
              <tr>
                <th>Model</th>
                <th className="num">Requests</th>
                <th className="num">Cost</th>
                <th className="num">p50 latency</th>
              </tr>
            </thead>
            <tbody>
              {data.byModel.map((m) => (
                <tr key={m.model}>
                  <td>{m.model}</td>
                  <td className="num">{formatCount(m.requests)}</td>
                  <td className="num">{formatUsd(m.costUsd)}</td>
                  <td className="num">{formatMs(m.latencyP50Ms)}</td>
                </tr>
              ))}
            </tbody>
          </table>
        </div>
      </section>
    </>
  );
}

"use client";

import { useQuery } from "@tanstack/react-query";
import { useState } from "react";
import { fetchJson, QueryState } from "@/components/ui/query-state";
import { selectionKey, selectionToSearch, type PeriodSelection } from "@/lib/period";
import { breakdownCsv } from "@/lib/charts/prepare-overview";
import { queryKeys } from "@/lib/charts/query-keys";
import { formatCount, formatMs, formatPercent, formatUsd, relativeChange } from "@/lib/format";
import type { Breakdown } from "@/lib/queries/overview-breakdown";

const DIMENSIONS = [
  { id: "model", label: "Model" },
  { id: "route", label: "Route" },
  { id: "tag", label: "Tag" },
] as const;

function download(filename: string, text: string) {
  const url = URL.createObjectURL(new Blob([text], { type: "text/csv;charset=utf-8" }));
  const a = document.createElement("a");
  a.href = url;
  a.download = filename;
  document.body.appendChild(a);
  a.click();
  a.remove();
  setTimeout(() => URL.revokeObjectURL(url), 1000);
}

export function BreakdownCard({ project, selection }: { project: string; selection: PeriodSelection }) {
  const [by, setBy] = useState<(typeof DIMENSIONS)[number]["id"]>("model");
  const query = useQuery({
    queryKey: queryKeys.breakdown(project, selectionKey(selection), by),
    queryFn: () => fetchJson<Breakdown>(`/api/projects/${encodeURIComponent(project)}/overview/breakdown?${selectionToSearch(selection)}&by=${by}`),
  });
  const scoreNames = query.data ? [...new Set(query.data.rows.flatMap((r) => Object.keys(r.scores)))].sort() : [];
  return (
    <section className="card" style={{ marginTop: 14 }} aria-label="Breakdown">
      <div className="card-header">
        <h2>Breakdown by {by}</h2>
        <div className="toolbar">
          <div className="segmented" role="group" aria-label="Break down by">
            {DIMENSIONS.map((d) => (
              <button key={d.id} type="button" aria-pressed={by === d.id} onClick={() => setBy(d.id)}>
                {d.label}
              </button>
            ))}
          </div>
          <button
            type="button"
            className="btn secondary small"
            disabled={!query.data || query.data.rows.length === 0}
            onClick={() => query.data && download(`driftline-${project}-by-${by}.csv`, breakdownCsv(by, query.data.rows, query.data.period))}
          >
            Export CSV
          </button>
        </div>
      </div>
      <QueryState
        query={query}
        label="the breakdown"
        isEmpty={(d) => d.rows.length === 0}
        skeleton={Array.from({ length: 4 }, (_, i) => <div key={i} className="skeleton row" />)}
      >
        {(d) => (
          <div style={{ overflowX: "auto" }}>
            <table className="compact">
              <thead>
                <tr>
                  <th scope="col">{DIMENSIONS.find((x) => x.id === by)?.label}</th>
                  <th scope="col" className="num">Requests</th>
                  <th scope="col" className="num">Share</th>
                  <th scope="col" className="num">vs previous</th>
                  <th scope="col" className="num">Cost</th>
                  <th scope="col" className="num">Cost / request</th>
                  <th scope="col" className="num">p50</th>
                  <th scope="col" className="num">p95</th>
                  <th scope="col" className="num">Errors</th>
                  <th scope="col" className="num">Refusals</th>
                  {scoreNames.map((n) => (
                    <th scope="col" key={n} className="num">
                      {n}
                    </th>
                  ))}
                </tr>
              </thead>
              <tbody>
                {d.rows.map((r) => {
                  const change = relativeChange(r.requests, r.previousRequests);
                  return (
                    <tr key={r.key}>
                      <th scope="row" style={{ fontWeight: 500 }}>{r.key || "(none)"}</th>
                      <td className="num">{formatCount(r.requests)}</td>
                      <td className="num">{formatPercent(r.share)}</td>
                      <td className="num">{change === null ? "—" : `${change >= 0 ? "+" : ""}${(change * 100).toFixed(0)}%`}</td>
                      <td className="num">{formatUsd(r.costUsd)}</td>
                      <td className="num">{formatUsd(r.costPerRequestUsd)}</td>
                      <td className="num">{formatMs(r.latencyP50Ms)}</td>
                      <td className="num">{formatMs(r.latencyP95Ms)}</td>
                      <td className="num">{formatPercent(r.errorRate)}</td>
                      <td className="num">{formatPercent(r.refusalRate)}</td>
                      {scoreNames.map((n) => (
                        <td key={n} className="num">
                          {r.scores[n] === undefined ? "—" : r.scores[n]!.toFixed(3)}
                        </td>
                      ))}
                    </tr>
                  );
                })}
              </tbody>
            </table>
            <p className="tz-note">Latency percentiles come from hourly histograms (within ±10 %). A trace with several tags counts under each.</p>
          </div>
        )}
      </QueryState>
    </section>
  );
}

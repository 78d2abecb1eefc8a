"use client";

import { useQuery } from "@tanstack/react-query";
import Link from "next/link";
import { useState } from "react";
import { MultiLineChart } from "@/components/charts/multi-line-chart";
import { QualityCostScatter } from "@/components/charts/quality-cost-scatter";
import { PeriodDataNotice } from "@/components/layout/period-data-notice";
import { PeriodPicker } from "@/components/layout/period-picker";
import { fetchJson, QueryState } from "@/components/ui/query-state";
import { describeSelection, selectionKey, selectionToSearch, type PeriodSelection } from "@/lib/period";
import { formatBucketLabel } from "@/lib/charts/prepare-overview";
import { pivotRoutingSeries, prepareScatter, relativeDelta, ROUTING_METRICS, type RoutingMetric } from "@/lib/charts/prepare-routing";
import { queryKeys } from "@/lib/charts/query-keys";
import { formatCount, formatMs, formatPercent, formatUsd } from "@/lib/format";
import type { Routing } from "@/lib/queries/routing";
import type { MatchedComparison } from "@/lib/queries/routing-matched";

const FORMATS: Record<string, (v: number) => string> = {
  percent: (v) => formatPercent(v),
  usd: (v) => formatUsd(v),
  ms: (v) => formatMs(v),
  count: (v) => formatCount(v),
  score: (v) => v.toFixed(2),
};

function Delta({ a, b, lowerIsBetter }: { a: number | null; b: number | null; lowerIsBetter: boolean }) {
  const d = relativeDelta(a, b);
  if (d === null) return <span className="muted">—</span>;
  const good = d === 0 ? null : (d < 0) === lowerIsBetter;
  return <span className={good === null ? "muted" : good ? "delta-good" : "delta-bad"}>{`${d >= 0 ? "+" : ""}${(d * 100).toFixed(0)}%`}</span>;
}

export function RoutingView({ project, selection }: { project: string; selection: PeriodSelection }) {
  const [by, setBy] = useState<"model" | "route">("model");
  const [score, setScore] = useState<string>("");
  const search = selectionToSearch(selection);
  const base = `/api/projects/${encodeURIComponent(project)}`;
  const query = useQuery({
    queryKey: queryKeys.routing(project, selectionKey(selection), by, score),
    queryFn: () => fetchJson<Routing>(`${base}/routing?${search}&by=${by}&score=${encodeURIComponent(score)}`),
  });
  const matched = useQuery({
    queryKey: queryKeys.matched(project, selectionKey(selection), score),
    queryFn: () => fetchJson<MatchedComparison>(`${base}/routing/matched?${search}&score=${encodeURIComponent(score)}`),
  });
  const scoreName = query.data?.score ?? "score";
  return (
    <>
      <div className="page-header">
        <div>
          <h1>Routing</h1>
          <div className="muted">Models and routes side by side — {describeSelection(selection)}. All times UTC.</div>
        </div>
        <PeriodPicker selection={selection} />
      </div>
      <PeriodDataNotice project={project} selection={selection} />
      <div className="toolbar" style={{ marginBottom: 14 }}>
        <div className="segmented" role="group" aria-label="Compare">
          <button type="button" aria-pressed={by === "model"} onClick={() => setBy("model")}>
            Per model
          </button>
          <button type="button" aria-pressed={by === "route"} onClick={() => setBy("route")}>
            Per route
          </button>
        </div>
        <label className="tz-note">
          Score{" "}
          <select className="input" value={score || query.data?.score || ""} onChange={(e) => setScore(e.target.value)} aria-label="Score">
            {(query.data?.scoreNames ?? []).map((n) => (
              <option key={n} value={n}>
                {n}
              </option>
            ))}
            {query.data && query.data.scoreNames.length === 0 ? <option value="">(no scores)</option> : null}
          </select>
        </label>
      </div>
      <section className="grid charts" aria-label="Over time">
        {ROUTING_METRICS.map((m) => (
          <div key={m.id} className="card" data-testid={`routing-${m.id}`}>
            <h2>
              {m.id === "score" ? `Average ${scoreName}` : m.label} per {by}
            </h2>
            <QueryState
              query={query}
              label={m.label.toLowerCase()}
              isEmpty={(d) => d.series.length === 0 || (m.id === "score" && d.score === null)}
              empty={m.id === "score" ? "No scores in this period." : "No traffic in this period."}
            >
              {(d) => (
                <MultiLineChart
                  rows={pivotRoutingSeries(d.series, d.keys, m.id as RoutingMetric, (t) => formatBucketLabel(t, d.unit))}
                  keys={d.keys}
                  format={FORMATS[m.unit]!}
                  stacked={m.id === "share"}
                  zeroBased={m.unit === "percent" || m.unit === "usd"}
                  height={220}
                />
              )}
            </QueryState>
          </div>
        ))}
        <div className="card">
          <h2>Quality vs cost</h2>
          <QueryState query={query} label="quality vs cost" isEmpty={(d) => prepareScatter(d.scatter).length === 0} empty="Needs traffic with scores in this period.">
            {(d) => (
              <>
                <QualityCostScatter points={prepareScatter(d.scatter)} models={[...new Set(d.scatter.map((s) => s.model))]} scoreName={scoreName} />
                <p className="tz-note">Each bubble is a model on a route: average {scoreName} against cost per request; the area is its traffic.</p>
              </>
            )}
          </QueryState>
        </div>
      </section>
      <section className="card" style={{ marginTop: 14 }} aria-label="Totals">
        <h2>Totals per {by}</h2>
        <QueryState query={query} label="totals" isEmpty={(d) => d.totals.length === 0}>
          {(d) => (
            <table className="compact">
              <thead>
                <tr>
                  <th scope="col">{by === "model" ? "Model" : "Route"}</th>
                  <th scope="col" className="num">Requests</th>
                  <th scope="col" className="num">Share</th>
                  <th scope="col" className="num">Cost / request</th>
                  <th scope="col" className="num">p50</th>
                  <th scope="col" className="num">p95</th>
                  <th scope="col" className="num">Errors</th>
                  <th scope="col" className="num">Refusals</th>
                  <th scope="col" className="num">{scoreName}</th>
                </tr>
              </thead>
              <tbody>
                {d.totals.map((t) => (
                  <tr key={t.key}>
                    <th scope="row" style={{ fontWeight: 500 }}>{t.key || "(none)"}</th>
                    <td className="num">{formatCount(t.requests)}</td>
                    <td className="num">{formatPercent(t.share)}</td>
                    <td className="num">{formatUsd(t.costPerRequestUsd)}</td>
                    <td className="num">{formatMs(t.latencyP50Ms)}</td>
                    <td className="num">{formatMs(t.latencyP95Ms)}</td>
                    <td className="num">{formatPercent(t.errorRate)}</td>
                    <td className="num">{formatPercent(t.refusalRate)}</td>
                    <td className="num">{t.score === null ? "—" : t.score.toFixed(3)}</td>
                  </tr>
                ))}
              </tbody>
            </table>
          )}
        </QueryState>
      </section>
      <section className="card" style={{ marginTop: 14 }} aria-label="Matched comparison" data-testid="matched-comparison">
        <h2>Matched comparison: the same questions, different models</h2>
        <QueryState
          query={matched}
          label="the matched comparison"
          isEmpty={(d) => d.pairs.length === 0}
          empty={matched.data?.model === null ? "No embedded prompts yet; pairs appear once prompts are embedded." : "No pair of similar prompts answered by different models in this period."}
        >
          {(d) => (
            <>
              <table className="compact">
                <thead>
                  <tr>
                    <th scope="col">Model A → model B</th>
                    <th scope="col" className="num">Pairs</th>
                    <th scope="col" className="num">{d.score ?? "score"} A / B</th>
                    <th scope="col" className="num">Latency A / B</th>
                    <th scope="col" className="num">Δ latency</th>
                    <th scope="col" className="num">Cost A / B</th>
                    <th scope="col" className="num">Δ cost</th>
                    <th scope="col" className="num">Errors A / B</th>
                    <th scope="col">Closest pair</th>
                  </tr>
                </thead>
                <tbody>
                  {d.pairs.map((p) => (
                    <tr key={`${p.a}|${p.b}`}>
                      <th scope="row" style={{ fontWeight: 500 }}>
                        {p.a} → {p.b}
                      </th>
                      <td className="num">{p.pairs}</td>
                      <td className="num">
                        {p.scoreA === null ? "—" : p.scoreA.toFixed(2)} / {p.scoreB === null ? "—" : p.scoreB.toFixed(2)}
                      </td>
                      <td className="num">
                        {formatMs(p.latencyMsA)} / {formatMs(p.latencyMsB)}
                      </td>
                      <td className="num">
                        <Delta a={p.latencyMsA} b={p.latencyMsB} lowerIsBetter />
                      </td>
                      <td className="num">
                        {formatUsd(p.costUsdA)} / {formatUsd(p.costUsdB)}
                      </td>
                      <td className="num">
                        <Delta a={p.costUsdA} b={p.costUsdB} lowerIsBetter />
                      </td>
                      <td className="num">
                        {formatPercent(p.errorRateA)} / {formatPercent(p.errorRateB)}
                      </td>
                      <td className="truncate" style={{ maxWidth: 280 }}>
                        {p.example ? (
                          <>
                            <Link href={`/p/${project}/traces/${p.example.traceA}`}>A</Link> ·{" "}
                            <Link href={`/p/${project}/traces/${p.example.traceB}`}>B</Link>{" "}
                            <span className="muted" title={p.example.promptA ?? ""}>
                              {(p.example.similarity * 100).toFixed(0)}% similar: {p.example.promptA}
                            </span>
                          </>
                        ) : null}
                      </td>
                    </tr>
                  ))}
                </tbody>
              </table>
              <p className="tz-note">
                Rule: {d.rule}. {d.sampled} prompts sampled; embedding model {d.model}. Δ is B relative to A.
              </p>
            </>
          )}
        </QueryState>
      </section>
    </>
  );
}

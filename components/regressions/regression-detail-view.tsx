"use client";

import { useQuery } from "@tanstack/react-query";
import Link from "next/link";
import { fetchJson, QueryState } from "@/components/ui/query-state";
import { queryKeys } from "@/lib/charts/query-keys";
import { formatP } from "@/lib/charts/monitor-labels";
import { prepareRegressionMetrics, STATUS_LABELS, statusTone } from "@/lib/charts/regression";
import type { VersionChangeView } from "@/lib/queries/monitors-version-changes";
import type { RegressionExamples } from "@/lib/queries/regression-examples";
import { EffectChart } from "./effect-chart";

const when = (iso: string) => `${iso.slice(0, 16).replace("T", " ")} UTC`;

/** One version change: before/after per metric with CIs, tests and the verdict; the answers that moved the most. */
export function RegressionDetailView({ project, id }: { project: string; id: string }) {
  const base = `/api/projects/${encodeURIComponent(project)}/version-changes/${id}`;
  const query = useQuery({ queryKey: queryKeys.versionChange(project, id), queryFn: () => fetchJson<VersionChangeView>(base) });
  const examples = useQuery({ queryKey: queryKeys.examples(project, id), queryFn: () => fetchJson<RegressionExamples>(`${base}/examples`), staleTime: 300_000 });
  const traceHref = (traceId: string) => `/p/${encodeURIComponent(project)}/traces/${traceId}`;
  return (
    <QueryState query={query} label="the version change">
      {(c) => {
        const rows = prepareRegressionMetrics(c.comparison);
        return (
          <>
            <div className="page-header">
              <div>
                <div className="tz-note">
                  <Link href={`/p/${encodeURIComponent(project)}/regressions`}>← Regressions</Link>
                </div>
                <h1>
                  {c.provider ?? "?"} / {c.model ?? "?"}: <code>{c.fromVersion}</code> → <code>{c.toVersion}</code>
                </h1>
                <div className="muted">
                  Last answer of the old version {when(c.lastSeenOldAt)}, first of the new {when(c.firstSeenNewAt)} · detected {when(c.detectedAt)} · n {c.sampleSizes.before}{" "}
                  before / {c.sampleSizes.after} after{c.comparedAt ? ` · compared ${when(c.comparedAt)}` : ""}{" "}
                  <span className={`badge ${statusTone(c.status)}`} data-testid="change-verdict">
                    {STATUS_LABELS[c.status] ?? c.status}
                  </span>
                </div>
              </div>
            </div>
            <div className="grid" style={{ gap: 14 }}>
              <section className="card" aria-labelledby="metrics-heading">
                <h2 id="metrics-heading">Before and after</h2>
                {rows.length === 0 ? (
                  <div className="widget-empty">{c.status === "pending" ? "Waiting for at least 50 traces on each side." : "No comparison stored."}</div>
                ) : (
                  <>
                    <EffectChart rows={rows} />
                    <div style={{ overflowX: "auto" }}>
                      <table className="compact" data-testid="regression-metrics">
                        <thead>
                          <tr>
                            <th scope="col">Metric</th>
                            <th scope="col">Before ({c.fromVersion})</th>
                            <th scope="col">After ({c.toVersion})</th>
                            <th scope="col" className="num">Effect</th>
                            <th scope="col">95% CI</th>
                            <th scope="col">Test</th>
                            <th scope="col" className="num">p (Holm)</th>
                            <th scope="col">Verdict</th>
                          </tr>
                        </thead>
                        <tbody>
                          {rows.map((m) => (
                            <tr key={m.metric} data-metric={m.metric} data-direction={m.direction}>
                              <th scope="row" style={{ fontWeight: 500 }}>
                                {m.label}
                              </th>
                              <td>{m.before}</td>
                              <td>
                                {m.after}
                                {m.extra.map((x) => (
                                  <div key={x} className="tz-note">
                                    {x}
                                  </div>
                                ))}
                              </td>
                              <td className={`num ${m.direction === "worse" ? "delta-bad" : m.direction === "better" ? "delta-good" : ""}`}>{m.effect}</td>
                              <td>{m.ci}</td>
                              <td className="muted">{m.test}</td>
                              <td className="num">
                                {formatP(m.pValue)} ({formatP(m.adjustedP)})
                              </td>
                              <td>
                                <span className={`badge ${statusTone(m.direction)}`}>{m.direction === "none" ? "no change" : m.direction}</span>
                              </td>
                            </tr>
                          ))}
                        </tbody>
                      </table>
                    </div>
                    {c.comparison?.responseShift === "pending" ? (
                      <p className="tz-note" role="status">
                        The response shift on matched prompts is added once this period&apos;s texts are embedded.
                      </p>
                    ) : null}
                    <p className="tz-note">
                      Effects: relative change of the mean (latency, length, cost; bootstrap CI), difference of rates in percentage points (Wald CI), standardised mean
                      difference for scores. A metric is worse when its Holm-adjusted p is below 0.01 and the change is material.
                    </p>
                  </>
                )}
              </section>
              <section className="card" aria-labelledby="examples-heading" data-testid="regression-examples">
                <h2 id="examples-heading">Answers that moved the most</h2>
                <QueryState query={examples} label="example pairs" isEmpty={(e) => e.pairs.length === 0} empty="No pair of near-identical prompts answered by both versions was found.">
                  {(e) => (
                    <>
                      <div className="grid" style={{ gap: 10 }}>
                        {e.pairs.map((p) => (
                          <div key={p.after.traceId} className="two-col" style={{ display: "grid", gridTemplateColumns: "1fr 1fr", gap: 12, borderTop: "1px solid var(--border)", paddingTop: 8 }}>
                            {[p.before, p.after].map((side) => (
                              <div key={side.traceId}>
                                <div className="tz-note">
                                  <code>{side.version}</code> · <Link href={traceHref(side.traceId)}>{when(side.startedAt)}</Link>
                                </div>
                                <div style={{ fontWeight: 500 }}>{side.prompt}</div>
                                <div className="muted" style={{ fontSize: 13, whiteSpace: "pre-wrap" }}>
                                  {side.response.length > 600 ? `${side.response.slice(0, 599)}…` : side.response}
                                </div>
                              </div>
                            ))}
                            <div className="tz-note" style={{ gridColumn: "1 / -1" }}>
                              prompt similarity {p.promptSimilarity.toFixed(3)} · response distance {p.responseDistance.toFixed(3)}
                            </div>
                          </div>
                        ))}
                      </div>
                      <p className="tz-note">
                        {e.rule} {e.matched} of {e.examined} sampled answers found a twin{e.embeddingModel ? ` (embeddings: ${e.embeddingModel})` : ""}.
                      </p>
                    </>
                  )}
                </QueryState>
              </section>
            </div>
          </>
        );
      }}
    </QueryState>
  );
}

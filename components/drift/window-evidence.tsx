"use client";

import { useQuery } from "@tanstack/react-query";
import Link from "next/link";
import { useState } from "react";
import { fetchJson, QueryState } from "@/components/ui/query-state";
import { describeEvidence } from "@/lib/charts/describe-evidence";
import { queryKeys } from "@/lib/charts/query-keys";
import { formatP } from "@/lib/charts/monitor-labels";
import { prepareConceptQuality } from "@/lib/charts/prepare-concept-quality";
import { prepareEmergingTopics } from "@/lib/charts/prepare-emerging-topics";
import { prepareProjection, projectionKinds } from "@/lib/charts/prepare-projection";
import { prepareTopicMix } from "@/lib/charts/prepare-topic-mix";
import { STATUS_LABELS, statusTone } from "@/lib/charts/regression";
import type { MonitorView } from "@/lib/queries/monitors";
import type { MonitorResultView } from "@/lib/queries/monitors-results";
import { ProjectionScatter } from "./projection-scatter";
import { TopicMixChart } from "./topic-mix-chart";

const pct = (v: number) => `${(v * 100).toFixed(1)}%`;

function TraceLink({ project, traceId, children }: { project: string; traceId: string; children: React.ReactNode }) {
  return <Link href={`/p/${encodeURIComponent(project)}/traces/${traceId}`}>{children}</Link>;
}

/** Everything stored for one window: the evidence behind its verdict and the chart data of its kind. */
export function WindowEvidence({ project, monitor, resultId }: { project: string; monitor: MonitorView; resultId: string }) {
  const query = useQuery({
    queryKey: queryKeys.result(project, monitor.id, resultId),
    queryFn: () => fetchJson<MonitorResultView>(`/api/projects/${encodeURIComponent(project)}/monitors/${monitor.id}/results/${resultId}`),
    staleTime: Infinity, // a stored window never changes
  });
  const [text, setText] = useState<"prompt" | "response" | null>(null);
  return (
    <QueryState query={query} label="this window">
      {(r) => {
        const kinds = projectionKinds(r.artefacts);
        const shown = text && kinds.includes(text) ? text : kinds[0];
        const projection = shown ? prepareProjection(r.artefacts, shown) : null;
        const topics = prepareTopicMix(r.artefacts);
        const emerging = prepareEmergingTopics(r.artefacts);
        const quality = prepareConceptQuality(r.artefacts, r.statistics);
        const changes = Array.isArray(r.artefacts?.changes) ? (r.artefacts.changes as Array<Record<string, unknown>>) : [];
        return (
          <div className="grid" style={{ gap: 14 }}>
            <section className="card" aria-labelledby="evidence-heading">
              <h2 id="evidence-heading">Evidence for this window</h2>
              <table className="compact" data-testid="evidence">
                <tbody>
                  {describeEvidence(monitor.kind, r, monitor.effectiveThresholds).map((row) => (
                    <tr key={row.label}>
                      <th scope="row" style={{ fontWeight: 500, width: "30%" }}>
                        {row.label}
                      </th>
                      <td className={row.emphasis ? "delta-bad" : undefined}>{row.value}</td>
                    </tr>
                  ))}
                </tbody>
              </table>
              <p className="tz-note">
                Reference {r.referenceStart.slice(0, 16).replace("T", " ")} → {r.referenceEnd.slice(0, 16).replace("T", " ")} UTC. Computed in {r.durationMs} ms.
              </p>
            </section>

            {projection ? (
              <section className="card" aria-labelledby="projection-heading" data-testid="projection">
                <div className="card-header" style={{ display: "flex", justifyContent: "space-between", alignItems: "center" }}>
                  <h2 id="projection-heading">Reference vs current ({shown}s, 2-D)</h2>
                  {kinds.length > 1 ? (
                    <div className="segmented" role="group" aria-label="Texts">
                      {kinds.map((k) => (
                        <button key={k} type="button" aria-pressed={k === shown} onClick={() => setText(k)}>
                          {k}s
                        </button>
                      ))}
                    </div>
                  ) : null}
                </div>
                <ProjectionScatter project={project} reference={projection.reference} current={projection.current} />
                <p className="tz-note">
                  Both windows projected on the reference&apos;s first two principal components
                  {projection.explainedVariance.length ? ` (${projection.explainedVariance.map((v) => pct(v)).join(" + ")} of its variance)` : ""}. Click a
                  point to open its trace.
                </p>
              </section>
            ) : null}

            {topics.length ? (
              <section className="card" aria-labelledby="topics-heading" data-testid="topic-mix">
                <h2 id="topics-heading">Topic mix: reference vs current</h2>
                <TopicMixChart topics={topics} />
                <table className="compact">
                  <thead>
                    <tr>
                      <th scope="col">Topic (distinctive terms)</th>
                      <th scope="col">Representative prompts</th>
                      <th scope="col" className="num">Reference</th>
                      <th scope="col" className="num">Current</th>
                    </tr>
                  </thead>
                  <tbody>
                    {topics.map((t) => (
                      <tr key={t.topic}>
                        <th scope="row" style={{ fontWeight: 500 }}>
                          {t.label}
                        </th>
                        <td className="muted" style={{ fontSize: 12 }}>
                          {t.examples.slice(0, 2).map((e) => (
                            <div key={e.traceId} className="truncate" style={{ maxWidth: 420 }}>
                              <TraceLink project={project} traceId={e.traceId}>
                                {e.text}
                              </TraceLink>
                            </div>
                          ))}
                        </td>
                        <td className="num">{pct(t.reference)}</td>
                        <td className="num">{pct(t.current)}</td>
                      </tr>
                    ))}
                  </tbody>
                </table>
              </section>
            ) : null}

            {monitor.kind === "topic_drift" ? (
              <section className="card" aria-labelledby="emerging-heading" data-testid="emerging-topics">
                <h2 id="emerging-heading">Emerging topics</h2>
                {emerging.length === 0 ? (
                  <div className="widget-empty">No group of current prompts far from every reference topic in this window.</div>
                ) : (
                  emerging.map((g) => (
                    <div key={g.label} style={{ marginBottom: 12 }} data-testid="emerging-topic">
                      <div>
                        <strong>{g.label}</strong> <span className="muted">— {g.size} prompts ({pct(g.share)} of the window)</span>
                      </div>
                      <ul style={{ margin: "6px 0 0 18px" }}>
                        {g.examples.map((e) => (
                          <li key={e.traceId} data-testid="emerging-example">
                            <TraceLink project={project} traceId={e.traceId}>
                              {e.text}
                            </TraceLink>
                          </li>
                        ))}
                      </ul>
                    </div>
                  ))
                )}
              </section>
            ) : null}

            {monitor.kind === "concept_drift" ? (
              <section className="card" aria-labelledby="quality-heading" data-testid="concept-quality">
                <h2 id="quality-heading">Quality per topic</h2>
                {quality.length === 0 ? (
                  <div className="widget-empty">No topic had enough traces on both sides to compare.</div>
                ) : (
                  <table className="compact">
                    <thead>
                      <tr>
                        <th scope="col">Topic</th>
                        <th scope="col">Metric</th>
                        <th scope="col" className="num">Reference</th>
                        <th scope="col" className="num">Current</th>
                        <th scope="col" className="num">Effect</th>
                        <th scope="col" className="num">p (adjusted)</th>
                        <th scope="col">Test</th>
                      </tr>
                    </thead>
                    <tbody>
                      {quality.map((q) => (
                        <tr key={`${q.topic}-${q.metric}`} data-significant={q.significant}>
                          <th scope="row" style={{ fontWeight: 500 }}>
                            {q.topicLabel}
                          </th>
                          <td>{q.metric}</td>
                          <td className="num">
                            {q.metric.endsWith("_rate") ? pct(q.reference) : q.reference.toFixed(3)} <span className="muted">n {q.referenceN}</span>
                          </td>
                          <td className="num">
                            {q.metric.endsWith("_rate") ? pct(q.current) : q.current.toFixed(3)} <span className="muted">n {q.currentN}</span>
                          </td>
                          <td className={`num ${q.significant ? "delta-bad" : ""}`}>
                            {q.effect >= 0 ? "+" : ""}
                            {q.metric.endsWith("_rate") ? `${(q.effect * 100).toFixed(1)} pp` : `${q.effect.toFixed(2)} SD`}
                          </td>
                          <td className="num">
                            {formatP(q.pValue)} ({formatP(q.adjustedP)})
                          </td>
                          <td className="muted">{q.test === "fisher" ? "Fisher" : "Mann–Whitney"}</td>
                        </tr>
                      ))}
                    </tbody>
                  </table>
                )}
              </section>
            ) : null}

            {monitor.kind === "version_regression" ? (
              <section className="card" aria-labelledby="changes-heading">
                <h2 id="changes-heading">Version changes evaluated in this window</h2>
                {changes.length === 0 ? (
                  <div className="widget-empty">No version change in this window or the one before.</div>
                ) : (
                  <ul>
                    {changes.map((c) => (
                      <li key={String(c.versionChangeId)}>
                        <Link href={`/p/${encodeURIComponent(project)}/regressions/${String(c.versionChangeId)}`}>
                          {String(c.provider)}/{String(c.model)}: {String(c.fromVersion)} → {String(c.toVersion)}
                        </Link>{" "}
                        <span className={`badge ${statusTone(String(c.verdict))}`}>{STATUS_LABELS[String(c.verdict)] ?? String(c.verdict)}</span>
                      </li>
                    ))}
                  </ul>
                )}
              </section>
            ) : null}
          </div>
        );
      }}
    </QueryState>
  );
}

"use client";

import { useQuery } from "@tanstack/react-query";
import Link from "next/link";
import { usePathname, useRouter } from "next/navigation";
import { useState } from "react";
import { fetchJson, QueryState } from "@/components/ui/query-state";
import { defaultWindowId, prepareDriftSeries, versionChangeMarkers } from "@/lib/charts/prepare-drift-series";
import { queryKeys } from "@/lib/charts/query-keys";
import { formatP, formatWindowRange, MONITOR_KIND_LABELS } from "@/lib/charts/monitor-labels";
import { statusTone } from "@/lib/charts/regression";
import type { MonitorView } from "@/lib/queries/monitors";
import type { MonitorResultView } from "@/lib/queries/monitors-results";
import type { VersionChangeView } from "@/lib/queries/monitors-version-changes";
import { DriftSeriesChart } from "./drift-series-chart";
import { describeSegment } from "./monitors-table";
import { WindowEvidence } from "./window-evidence";

const fmt = (v: number | null) => (v === null ? "—" : Math.abs(v) >= 100 ? v.toFixed(0) : v.toFixed(3));

export function MonitorDetailView({ project, monitor, initialWindow }: { project: string; monitor: MonitorView; initialWindow: string | null }) {
  const router = useRouter();
  const pathname = usePathname();
  const base = `/api/projects/${encodeURIComponent(project)}`;
  const series = useQuery({
    queryKey: queryKeys.series(project, monitor.id),
    queryFn: () => fetchJson<{ data: MonitorResultView[] }>(`${base}/monitors/${monitor.id}/results?artefacts=0&limit=200`),
    refetchInterval: 30_000,
  });
  const changes = useQuery({
    queryKey: queryKeys.versionChanges(project),
    queryFn: () => fetchJson<{ data: VersionChangeView[] }>(`${base}/version-changes`),
  });
  const [picked, setPicked] = useState<string | null>(initialWindow);
  const results = series.data?.data ?? [];
  const selectedId = picked && results.some((r) => r.id === picked) ? picked : defaultWindowId(results);
  const select = (id: string) => {
    setPicked(id);
    router.replace(`${pathname}?window=${id}`, { scroll: false });
  };
  const relevantChanges = (changes.data?.data ?? []).filter(
    (c) => (!monitor.segment.provider || c.provider === monitor.segment.provider) && (!monitor.segment.model || c.model === monitor.segment.model),
  );
  const reference =
    monitor.reference.type === "fixed" ? `fixed ${formatWindowRange(monitor.reference.from, monitor.reference.to)}` : "the window before each window";
  return (
    <>
      <div className="page-header">
        <div>
          <div className="tz-note">
            <Link href={`/p/${encodeURIComponent(project)}/drift`}>← Drift</Link>
          </div>
          <h1>{monitor.name}</h1>
          <div className="muted">
            {MONITOR_KIND_LABELS[monitor.kind]} · {describeSegment(monitor.segment)} · {monitor.window} windows on <code>{monitor.schedule}</code> (UTC) · reference{" "}
            {reference}{" "}
            <span className={`badge ${monitor.alertState === "firing" ? "error" : "ok"}`} data-testid="monitor-alert-state">
              {monitor.alertState}
            </span>
            {monitor.paused ? <span className="badge warn"> paused</span> : null}
          </div>
          {monitor.lastError ? <div className="field-error">Last error: {monitor.lastError}</div> : null}
        </div>
      </div>
      <div className="grid" style={{ gap: 14 }}>
        <section className="card" aria-labelledby="series-heading" data-testid="drift-series">
          <h2 id="series-heading">Drift per window</h2>
          <QueryState
            query={series}
            label="the series"
            isEmpty={(d) => d.data.length === 0}
            empty={monitor.backfilledAt ? "No window has been computed yet." : "The history of this monitor is being backfilled; it appears within a minute or two."}
          >
            {(d) => {
              const prepared = prepareDriftSeries(monitor.kind, d.data);
              const markers = versionChangeMarkers(relevantChanges, prepared.points, monitor.windowSeconds);
              return (
                <>
                  <DriftSeriesChart series={prepared} markers={markers} selectedId={selectedId} onSelect={select} />
                  <p className="tz-note">
                    {prepared.valueLabel}
                    {prepared.threshold !== null ? `; dashed line: threshold ${fmt(prepared.threshold)}` : ""}; red points: drift verdicts
                    {markers.length ? `; vertical lines: version changes (${markers.map((m) => m.label).join(", ")})` : ""}. Click a window to see its evidence.
                  </p>
                  <div className="toolbar" style={{ gap: 8 }}>
                    <label className="tz-note">
                      Window{" "}
                      <select className="input" data-testid="window-picker" value={selectedId ?? ""} onChange={(e) => select(e.target.value)} aria-label="Window">
                        {[...d.data].reverse().map((r) => (
                          <option key={r.id} value={r.id}>
                            {formatWindowRange(r.windowStart, r.windowEnd)} · {r.verdict.replace("_", " ")}
                          </option>
                        ))}
                      </select>
                    </label>
                  </div>
                  <details style={{ marginTop: 8 }}>
                    <summary className="tz-note">Every window ({d.data.length})</summary>
                    <table className="compact" data-testid="windows-table">
                      <thead>
                        <tr>
                          <th scope="col">Window (UTC)</th>
                          <th scope="col" className="num">{prepared.valueLabel}</th>
                          <th scope="col" className="num">p</th>
                          <th scope="col" className="num">n (ref / cur)</th>
                          <th scope="col">Verdict</th>
                        </tr>
                      </thead>
                      <tbody>
                        {[...d.data].reverse().map((r) => (
                          <tr key={r.id} data-window-end={r.windowEnd} data-verdict={r.verdict}>
                            <td>
                              <button type="button" className="btn secondary small" onClick={() => select(r.id)} aria-pressed={r.id === selectedId}>
                                {formatWindowRange(r.windowStart, r.windowEnd)}
                              </button>
                            </td>
                            <td className="num">{fmt(r.score)}</td>
                            <td className="num">{formatP(r.pValue)}</td>
                            <td className="num">
                              {r.sampleSizes.reference} / {r.sampleSizes.current}
                            </td>
                            <td>
                              <span className={`badge ${statusTone(r.verdict)}`}>{r.verdict.replace("_", " ")}</span>
                            </td>
                          </tr>
                        ))}
                      </tbody>
                    </table>
                  </details>
                </>
              );
            }}
          </QueryState>
        </section>
        {selectedId ? <WindowEvidence key={selectedId} project={project} monitor={monitor} resultId={selectedId} /> : null}
      </div>
    </>
  );
}

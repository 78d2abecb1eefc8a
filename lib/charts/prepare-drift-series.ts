/** The drift series of one monitor, its default window and the version-change markers on it. */
import { type SeriesResult, type DriftSeries, num, formatWindowLabel, seriesLabels, secondaryValue } from "./monitor-labels";
import type { MonitorKind, MonitorVerdict } from "@/db/schema";

/**
 * A monitor's series: one point per window (in time order), the main
 * statistic (`score` of the result), a secondary one, the threshold line and
 * verdict markers. Windows without a value (insufficient data) stay as gaps.
 */
export function prepareDriftSeries(kind: MonitorKind, results: readonly SeriesResult[]): DriftSeries {
  const sorted = [...results].sort((a, b) => Date.parse(a.windowEnd) - Date.parse(b.windowEnd));
  const points = sorted.map((r) => {
    const value = r.verdict === "insufficient_data" ? null : num(r.score);
    return {
      id: r.id,
      t: Date.parse(r.windowEnd),
      label: formatWindowLabel(r.windowEnd),
      value,
      secondary: r.verdict === "insufficient_data" ? null : secondaryValue(kind, r),
      pValue: r.pValue,
      verdict: r.verdict,
      drift: r.verdict === "drift" ? (value ?? 0) : null,
    };
  });
  const labels = seriesLabels(kind, sorted.at(-1)?.statistics);
  // The threshold line is drawn on the main statistic only where it is the verdict's effect floor.
  const thresholdOnValue = kind === "embedding_drift" || kind === "topic_drift" || (kind === "metric" && sorted.at(-1)?.statistics.detector !== "threshold");
  const latestThreshold = [...sorted].reverse().find((r) => r.threshold !== null)?.threshold ?? null;
  return { points, valueLabel: labels.value, secondaryLabel: labels.secondary, threshold: thresholdOnValue ? latestThreshold : null };
}

/** The window the monitor page opens on: the latest drift window, else the latest window. */
export function defaultWindowId(results: ReadonlyArray<{ id: string; windowEnd: string; verdict: MonitorVerdict }>): string | null {
  const sorted = [...results].sort((a, b) => Date.parse(b.windowEnd) - Date.parse(a.windowEnd));
  return (sorted.find((r) => r.verdict === "drift") ?? sorted[0])?.id ?? null;
}

/** Version changes as vertical annotations, kept to those inside the series' time span. */
export function versionChangeMarkers(
  changes: ReadonlyArray<{ id: string; firstSeenNewAt: string; fromVersion: string; toVersion: string; model: string | null; status: string }>,
  points: ReadonlyArray<{ t: number }>,
  windowSeconds: number,
): Array<{ id: string; t: number; label: string; status: string }> {
  if (points.length === 0) return [];
  const first = points[0]!.t - windowSeconds * 1000;
  const last = points.at(-1)!.t;
  return changes
    .map((c) => ({ id: c.id, t: Date.parse(c.firstSeenNewAt), label: `${c.model ?? "model"} → ${c.toVersion}`, status: c.status }))
    .filter((m) => m.t >= first && m.t <= last)
    .sort((a, b) => a.t - b.t);
}

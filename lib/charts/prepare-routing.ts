export type RoutingMetric = "share" | "requests" | "costPerRequestUsd" | "latencyP50Ms" | "latencyP95Ms" | "errorRate" | "refusalRate" | "score";

export const ROUTING_METRICS: Array<{ id: RoutingMetric; label: string; unit: "percent" | "usd" | "ms" | "count" | "score" }> = [
  { id: "share", label: "Traffic share", unit: "percent" },
  { id: "costPerRequestUsd", label: "Cost per request", unit: "usd" },
  { id: "latencyP50Ms", label: "Latency p50", unit: "ms" },
  { id: "latencyP95Ms", label: "Latency p95", unit: "ms" },
  { id: "score", label: "Average score", unit: "score" },
  { id: "errorRate", label: "Error rate", unit: "percent" },
  { id: "refusalRate", label: "Refusal rate", unit: "percent" },
];

export type RoutingPointSource = {
  t: string;
  key: string;
  requests: number;
  costPerRequestUsd: number | null;
  latencyP50Ms: number | null;
  latencyP95Ms: number | null;
  errorRate: number | null;
  refusalRate: number | null;
  score: number | null;
};

/**
 * Long rows (time, key, metrics) → wide rows for recharts: one row per time
 * bucket, one column per key holding the chosen metric. Traffic share is
 * computed per bucket (the keys of one bucket add to 1); a key without
 * traffic in a bucket gets null (a gap), except for share, where it is 0.
 */
export function pivotRoutingSeries(
  points: RoutingPointSource[],
  keys: string[],
  metric: RoutingMetric,
  label: (iso: string) => string,
): Array<Record<string, string | number | null>> {
  const times = [...new Set(points.map((p) => p.t))].sort();
  const byTime = new Map<string, RoutingPointSource[]>();
  for (const p of points) byTime.set(p.t, [...(byTime.get(p.t) ?? []), p]);
  return times.map((t) => {
    const bucket = byTime.get(t) ?? [];
    const total = bucket.reduce((s, p) => s + p.requests, 0);
    const row: Record<string, string | number | null> = { label: label(t) };
    for (const key of keys) {
      const p = bucket.find((b) => b.key === key);
      if (metric === "share") row[key] = total > 0 ? (p?.requests ?? 0) / total : 0;
      else if (metric === "requests") row[key] = p?.requests ?? 0;
      else row[key] = p ? p[metric] : null;
    }
    return row;
  });
}

export type ScatterSource = { model: string; route: string; requests: number; costPerRequestUsd: number | null; score: number | null; latencyP95Ms: number | null };

/** Quality-vs-cost points: only (model, route) pairs with both a cost and a score; bubble size by traffic. */
export function prepareScatter(points: ScatterSource[]): Array<{ name: string; model: string; x: number; y: number; z: number }> {
  return points
    .filter((p) => p.costPerRequestUsd !== null && p.score !== null && p.requests > 0)
    .map((p) => ({ name: p.route ? `${p.model || "(none)"} · ${p.route}` : p.model || "(none)", model: p.model, x: p.costPerRequestUsd!, y: p.score!, z: p.requests }))
    .sort((a, b) => b.z - a.z);
}

/** Relative difference of B against A (e.g. +0.25 = B is 25 % higher), or null. */
export function relativeDelta(a: number | null, b: number | null): number | null {
  if (a === null || b === null || a === 0) return null;
  return (b - a) / Math.abs(a);
}

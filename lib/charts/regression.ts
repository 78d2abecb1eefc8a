/**
 * Chart preparation for the Regressions pages: version changes grouped per
 * (provider, model) and one change's stored comparison as before/after rows.
 * Pure; unit-tested in regression.test.ts.
 */

export type VersionChangeLike = {
  id: string;
  provider: string | null;
  model: string | null;
  fromVersion: string;
  toVersion: string;
  firstSeenNewAt: string;
  status: string;
  sampleSizes: { before: number; after: number };
};

export type ModelTimeline<T extends VersionChangeLike> = { key: string; provider: string; model: string; changes: T[] };

/** Version changes per (provider, model), each group oldest change first; groups with a regression first, then by name. */
export function groupVersionChanges<T extends VersionChangeLike>(changes: readonly T[]): Array<ModelTimeline<T>> {
  const groups = new Map<string, ModelTimeline<T>>();
  for (const c of changes) {
    const provider = c.provider ?? "(unknown provider)";
    const model = c.model ?? "(unknown model)";
    const key = `${provider}/${model}`;
    const g = groups.get(key) ?? { key, provider, model, changes: [] };
    g.changes.push(c);
    groups.set(key, g);
  }
  const out = [...groups.values()];
  for (const g of out) g.changes.sort((a, b) => Date.parse(a.firstSeenNewAt) - Date.parse(b.firstSeenNewAt));
  const hasRegression = (g: ModelTimeline<T>) => g.changes.some((c) => c.status === "regression");
  return out.sort((a, b) => Number(hasRegression(b)) - Number(hasRegression(a)) || a.key.localeCompare(b.key));
}

export const STATUS_LABELS: Record<string, string> = {
  // Recorded within seconds of the new version's first traces, before there is enough to compare.
  pending: "new version seen",
  regression: "regression",
  improvement: "improvement",
  no_significant_change: "no significant change",
};

/** Badge class of a version-change status or a metric direction. */
export function statusTone(status: string): "error" | "ok" | "warn" | "muted" {
  if (status === "regression" || status === "worse" || status === "drift" || status === "firing") return "error";
  if (status === "improvement" || status === "better" || status === "ok") return "ok";
  if (status === "pending" || status === "insufficient_data") return "warn";
  return "muted";
}

export type MetricRow = {
  metric: string;
  label: string;
  test: string;
  before: string;
  after: string;
  /** The effect with its unit, e.g. "+62.1%" or "+0.041". */
  effect: string;
  ci: string;
  /** Extra lines: latency p50/p95 differences with CIs. */
  extra: string[];
  pValue: number;
  adjustedP: number;
  direction: "worse" | "better" | "none";
  /** Signed effect for the bar chart: relative change, rate difference or SMD. */
  effectValue: number;
  ciLow: number;
  ciHigh: number;
  effectKind: string;
};

const num = (v: unknown): number | null => (typeof v === "number" && Number.isFinite(v) ? v : null);
const obj = (v: unknown): Record<string, unknown> => (v && typeof v === "object" && !Array.isArray(v) ? (v as Record<string, unknown>) : {});

const METRIC_LABELS: Record<string, string> = {
  latency_ms: "Latency",
  output_tokens: "Output length (tokens)",
  cost_usd: "Cost per call",
  refusal_rate: "Refusal rate",
  error_rate: "Error rate",
  response_shift: "Response shift on matched prompts",
};

export function metricLabel(metric: string): string {
  return METRIC_LABELS[metric] ?? (metric.startsWith("score:") ? `Score ${metric.slice(6)}` : metric);
}

const signed = (v: number, digits: number, suffix = "") => `${v >= 0 ? "+" : "−"}${Math.abs(v).toFixed(digits)}${suffix}`;

function formatValue(metric: string, side: Record<string, unknown>): string {
  if (metric === "latency_ms") return `mean ${Math.round(num(side.mean) ?? 0)} ms · p50 ${Math.round(num(side.p50) ?? 0)} · p95 ${Math.round(num(side.p95) ?? 0)} ms`;
  if (metric === "output_tokens") return `mean ${(num(side.mean) ?? 0).toFixed(1)}`;
  if (metric === "cost_usd") return `mean $${(num(side.mean) ?? 0).toFixed(5)}`;
  if (metric === "refusal_rate" || metric === "error_rate") return `${((num(side.rate) ?? 0) * 100).toFixed(2)}%`;
  if (metric === "response_shift") return `median distance ${(num(side.medianDistance) ?? 0).toFixed(3)} (${num(side.pairs) ?? 0} pairs)`;
  return `mean ${(num(side.mean) ?? 0).toFixed(3)}`;
}

function formatEffect(kind: string, metric: string, v: number): string {
  if (kind === "relative") return signed(v * 100, 1, "%");
  if (kind === "smd") return `${signed(v, 2)} SD`;
  if (metric === "response_shift") return signed(v, 3);
  return signed(v * 100, 2, " pp");
}

/** One change's comparison (`{ metrics: [...] }` as stored) as table rows, worse metrics first. */
export function prepareRegressionMetrics(comparison: Record<string, unknown> | null | undefined): MetricRow[] {
  const metrics = Array.isArray(obj(comparison).metrics) ? (obj(comparison).metrics as unknown[]) : [];
  const order = { worse: 0, better: 1, none: 2 } as const;
  return metrics
    .map((raw) => {
      const m = obj(raw);
      const metric = String(m.metric ?? "");
      const kind = String(m.effectKind ?? "relative");
      const effect = num(m.effect) ?? 0;
      const ci = Array.isArray(m.ci95) ? (m.ci95 as unknown[]).map((v) => num(v) ?? 0) : [effect, effect];
      const before = obj(m.before);
      const after = obj(m.after);
      const extra: string[] = [];
      const q = obj(m.quantiles);
      for (const p of ["p50", "p95"] as const) {
        const e = obj(q[p]);
        const d = num(e.difference);
        const c = Array.isArray(e.ci95) ? (e.ci95 as unknown[]).map((v) => num(v) ?? 0) : null;
        if (d !== null && c) extra.push(`${p} ${signed(d, 0, " ms")} (95% CI ${signed(c[0] ?? 0, 0)} to ${signed(c[1] ?? 0, 0)} ms)`);
      }
      const direction = m.direction === "worse" || m.direction === "better" ? m.direction : "none";
      return {
        metric,
        label: metricLabel(metric),
        test: m.test === "fisher" ? "Fisher's exact" : m.test === "answer_distance" ? "Mann–Whitney U (distances)" : "Mann–Whitney U",
        before: `${formatValue(metric, before)} (n ${num(before.n) ?? num(before.pairs) ?? 0})`,
        after: `${formatValue(metric, after)} (n ${num(after.n) ?? num(after.pairs) ?? 0})`,
        effect: formatEffect(kind, metric, effect),
        ci: `${formatEffect(kind, metric, ci[0] ?? effect)} to ${formatEffect(kind, metric, ci[1] ?? effect)}`,
        extra,
        pValue: num(m.pValue) ?? 1,
        adjustedP: num(m.adjustedP) ?? 1,
        direction,
        effectValue: effect,
        ciLow: ci[0] ?? effect,
        ciHigh: ci[1] ?? effect,
        effectKind: kind,
      } satisfies MetricRow;
    })
    .sort((a, b) => order[a.direction] - order[b.direction] || a.adjustedP - b.adjustedP);
}

/** Which metrics regressed (direction "worse"), by metric id. */
export function worseMetrics(comparison: Record<string, unknown> | null | undefined): string[] {
  return prepareRegressionMetrics(comparison)
    .filter((m) => m.direction === "worse")
    .map((m) => m.metric);
}

/** A one-line summary of a change for the timeline: "latency +62%, output length +48%". */
export function summarizeChange(comparison: Record<string, unknown> | null | undefined): string {
  const rows = prepareRegressionMetrics(comparison).filter((m) => m.direction !== "none");
  if (rows.length === 0) return "";
  return rows
    .slice(0, 4)
    .map((m) => `${m.label.toLowerCase()} ${m.effect}`)
    .join(", ");
}

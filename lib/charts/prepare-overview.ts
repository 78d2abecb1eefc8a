import { formatCount, formatMs, formatPercent, formatUsd, relativeChange } from "@/lib/format";

/** The KPI block's inputs, as the overview API answers them (kept structural so this file stays free of server types). */
export type KpiSource = {
  requests: number;
  activeUsers: number;
  costUsd: number;
  costPerRequestUsd: number | null;
  latencyP50Ms: number | null;
  latencyP95Ms: number | null;
  errorRate: number | null;
  refusalRate: number | null;
  scores: Record<string, { average: number; count: number }>;
};

export type KpiCardData = {
  id: string;
  label: string;
  value: string;
  /** Relative change against the previous period; null when there is nothing to compare with. */
  change: number | null;
  /** Whether the change is good news (a rise in requests is; a rise in latency is not). */
  good: boolean | null;
  hint?: string;
};

function card(id: string, label: string, value: string, current: number | null, previous: number | null, higherIsBetter: boolean, hint?: string): KpiCardData {
  const change = relativeChange(current, previous);
  return { id, label, value, change, good: change === null || change === 0 ? null : change > 0 === higherIsBetter, hint };
}

/** Every KPI card with its trend vs the previous period, in display order; score averages last. */
export function prepareKpis(current: KpiSource, previous: KpiSource): KpiCardData[] {
  const cards = [
    card("requests", "Requests", formatCount(current.requests), current.requests, previous.requests, true),
    card("active-users", "Active users", formatCount(current.activeUsers), current.activeUsers, previous.activeUsers, true),
    card("total-cost", "Total cost", formatUsd(current.costUsd), current.costUsd, previous.costUsd, false),
    card("cost-per-request", "Cost per request", formatUsd(current.costPerRequestUsd), current.costPerRequestUsd, previous.costPerRequestUsd, false),
    card("latency-p50", "Latency p50", formatMs(current.latencyP50Ms), current.latencyP50Ms, previous.latencyP50Ms, false),
    card("latency-p95", "Latency p95", formatMs(current.latencyP95Ms), current.latencyP95Ms, previous.latencyP95Ms, false),
    card("error-rate", "Error rate", formatPercent(current.errorRate), current.errorRate, previous.errorRate, false),
    card("refusal-rate", "Refusal rate", formatPercent(current.refusalRate), current.refusalRate, previous.refusalRate, false),
  ];
  for (const [name, s] of Object.entries(current.scores).sort(([a], [b]) => a.localeCompare(b))) {
    const before = previous.scores[name]?.average ?? null;
    cards.push(card(`score-${slug(name)}`, `Avg score: ${name}`, s.average.toFixed(3), s.average, before, true, `${formatCount(s.count)} scores`));
  }
  return cards;
}

export function slug(text: string): string {
  return text.toLowerCase().replace(/[^a-z0-9]+/g, "-").replace(/^-|-$/g, "");
}

/** "2026-11-28 14:00" for hourly points, "2026-11-28" for daily ones — always UTC. */
export function formatBucketLabel(iso: string, unit: "hour" | "day"): string {
  return unit === "hour" ? `${iso.slice(5, 10)} ${iso.slice(11, 16)}` : iso.slice(0, 10);
}

export type SeriesPointSource = {
  t: string;
  requests: number;
  errors: number;
  refusals: number;
  costUsd: number;
  latencyP50Ms: number | null;
  latencyP95Ms: number | null;
};

export type OverviewChartRow = {
  label: string;
  ok: number;
  errors: number;
  refusals: number;
  costUsd: number;
  p50: number | null;
  p95: number | null;
};

/**
 * One row per hour or day of the period, gaps filled with zero traffic (and
 * no latency), so the x axis is even and quiet hours show as quiet.
 */
export function prepareOverviewSeries(points: SeriesPointSource[], period: { from: string; to: string; unit: "hour" | "day" }): OverviewChartRow[] {
  const step = period.unit === "hour" ? 3_600_000 : 86_400_000;
  const byTime = new Map(points.map((p) => [Date.parse(p.t), p]));
  const rows: OverviewChartRow[] = [];
  const start = Math.floor(Date.parse(period.from) / step) * step;
  const end = Date.parse(period.to);
  for (let t = start; t < end && rows.length < 2000; t += step) {
    const p = byTime.get(t);
    const label = formatBucketLabel(new Date(t).toISOString(), period.unit);
    rows.push({
      label,
      ok: p ? p.requests - p.errors : 0,
      errors: p?.errors ?? 0,
      refusals: p?.refusals ?? 0,
      costUsd: p?.costUsd ?? 0,
      p50: p?.latencyP50Ms == null ? null : Math.round(p.latencyP50Ms),
      p95: p?.latencyP95Ms == null ? null : Math.round(p.latencyP95Ms),
    });
  }
  return rows;
}

export type BreakdownSource = {
  key: string;
  requests: number;
  share: number;
  previousRequests: number;
  costUsd: number;
  costPerRequestUsd: number | null;
  latencyP50Ms: number | null;
  latencyP95Ms: number | null;
  errorRate: number | null;
  refusalRate: number | null;
  scores: Record<string, number>;
};

function csvCell(value: string | number | null): string {
  if (value === null) return "";
  const s = String(value);
  return /[",\n\r]/.test(s) || /^[=+\-@]/.test(s) ? `"${(/^[=+\-@]/.test(s) ? `'${s}` : s).replace(/"/g, '""')}"` : s;
}

/**
 * The breakdown as CSV (RFC 4180; cells that a spreadsheet would run as a
 * formula are quoted and prefixed with '), one column per score name.
 */
export function breakdownCsv(by: string, rows: BreakdownSource[], period: { from: string; to: string }): string {
  const scoreNames = [...new Set(rows.flatMap((r) => Object.keys(r.scores)))].sort();
  const header = [by, "requests", "share", "previous_period_requests", "cost_usd", "cost_per_request_usd", "latency_p50_ms", "latency_p95_ms", "error_rate", "refusal_rate", ...scoreNames.map((n) => `score_${n}`), "period_from_utc", "period_to_utc"];
  const lines = [header.map(csvCell).join(",")];
  const round = (n: number | null, digits: number) => (n === null ? null : Number(n.toFixed(digits)));
  for (const r of rows) {
    lines.push(
      [
        r.key === "" ? "(none)" : r.key,
        r.requests,
        round(r.share, 6),
        r.previousRequests,
        round(r.costUsd, 8),
        round(r.costPerRequestUsd, 10),
        round(r.latencyP50Ms, 1),
        round(r.latencyP95Ms, 1),
        round(r.errorRate, 6),
        round(r.refusalRate, 6),
        ...scoreNames.map((n) => round(r.scores[n] ?? null, 6)),
        period.from,
        period.to,
      ]
        .map(csvCell)
        .join(","),
    );
  }
  return `${lines.join("\r\n")}\r\n`;
}

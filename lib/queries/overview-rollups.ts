import { sql, type SQL } from "drizzle-orm";
import type { Database } from "@/db/client";
import { LATENCY_BUCKET_COUNT, quantileFromHistogram } from "@/lib/queries/latency-buckets";

/** Rows of a raw query, on either driver. */
export async function selectRows<T>(db: Database, query: SQL): Promise<T[]> {
  const result = await db.execute(query);
  return (result as unknown as { rows: T[] }).rows;
}

/**
 * `sum(h[1]) as h1, …` over a histogram column: summing element by element
 * with plain aggregates is far cheaper than unnesting every array.
 */
export function histogramSumColumns(column = "latency_histogram"): SQL {
  const parts: string[] = [];
  for (let i = 1; i <= LATENCY_BUCKET_COUNT; i++) parts.push(`coalesce(sum(${column}[${i}]), 0)::int as h${i}`);
  return sql.raw(parts.join(", "));
}

export function histogramFromRow(row: Record<string, unknown>): number[] {
  const h: number[] = [];
  for (let i = 1; i <= LATENCY_BUCKET_COUNT; i++) h.push(Number(row[`h${i}`] ?? 0));
  return h;
}

export type RollupTotals = {
  requests: number;
  errors: number;
  refusals: number;
  costUsd: number;
  latencyMsSum: number;
  latencyCount: number;
  histogram: number[];
};

/** The common aggregate columns of hourly_rollups / hourly_tag_rollups. */
export const totalsColumns = sql.raw(`coalesce(sum(requests), 0)::int as requests, coalesce(sum(errors), 0)::int as errors,
  coalesce(sum(refusals), 0)::int as refusals, coalesce(sum(cost_usd), 0)::float8 as cost_usd,
  coalesce(sum(latency_ms_sum), 0)::float8 as latency_ms_sum, coalesce(sum(latency_count), 0)::int as latency_count`);

export function totalsFromRow(row: Record<string, unknown>): RollupTotals {
  return {
    requests: Number(row.requests ?? 0),
    errors: Number(row.errors ?? 0),
    refusals: Number(row.refusals ?? 0),
    costUsd: Number(row.cost_usd ?? 0),
    latencyMsSum: Number(row.latency_ms_sum ?? 0),
    latencyCount: Number(row.latency_count ?? 0),
    histogram: histogramFromRow(row),
  };
}

/** The totals of several rollup rows (e.g. a period's total from its series), summed in the application. */
export function sumTotals(rows: RollupTotals[]): RollupTotals {
  const sum: RollupTotals = { requests: 0, errors: 0, refusals: 0, costUsd: 0, latencyMsSum: 0, latencyCount: 0, histogram: new Array<number>(LATENCY_BUCKET_COUNT).fill(0) };
  for (const t of rows) {
    sum.requests += t.requests;
    sum.errors += t.errors;
    sum.refusals += t.refusals;
    sum.costUsd += t.costUsd;
    sum.latencyMsSum += t.latencyMsSum;
    sum.latencyCount += t.latencyCount;
    for (let i = 0; i < LATENCY_BUCKET_COUNT; i++) sum.histogram[i]! += t.histogram[i] ?? 0;
  }
  return sum;
}

export type RollupMetrics = {
  requests: number;
  costUsd: number;
  costPerRequestUsd: number | null;
  latencyP50Ms: number | null;
  latencyP95Ms: number | null;
  errorRate: number | null;
  refusalRate: number | null;
};

export function metricsOf(t: RollupTotals): RollupMetrics {
  return {
    requests: t.requests,
    costUsd: t.costUsd,
    costPerRequestUsd: t.requests > 0 ? t.costUsd / t.requests : null,
    latencyP50Ms: quantileFromHistogram(t.histogram, 0.5),
    latencyP95Ms: quantileFromHistogram(t.histogram, 0.95),
    errorRate: t.requests > 0 ? t.errors / t.requests : null,
    refusalRate: t.requests > 0 ? t.refusals / t.requests : null,
  };
}

export const dimensionColumn = { model: "model", route: "route", provider: "provider" } as const;
export type Dimension = "model" | "route" | "tag";

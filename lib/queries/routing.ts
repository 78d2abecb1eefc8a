import { sql } from "drizzle-orm";
import type { Database } from "@/db/client";
import { seriesUnit, type Period } from "@/lib/period";
import { histogramSumColumns, metricsOf, selectRows, sumTotals, totalsColumns, totalsFromRow, type RollupMetrics } from "./overview-rollups";

export type RoutingDimension = "model" | "route";

export type RoutingPoint = RollupMetrics & { t: string; key: string; score: number | null };
export type RoutingScatterPoint = { model: string; route: string; requests: number; costPerRequestUsd: number | null; score: number | null; latencyP95Ms: number | null };

export type Routing = {
  by: RoutingDimension;
  unit: "hour" | "day";
  period: { from: string; to: string };
  scoreNames: string[];
  /** The score charted (the one asked for, else the most common). */
  score: string | null;
  keys: string[];
  series: RoutingPoint[];
  totals: Array<RollupMetrics & { key: string; share: number; score: number | null }>;
  scatter: RoutingScatterPoint[];
};

/**
 * Per model (or per route) over time — traffic, cost per request, latency
 * p50/p95, error and refusal rates and the average of one score — plus the
 * quality-vs-cost points per (model, route), all from the hourly rollups.
 */
export async function getRouting(
  db: Database,
  projectId: string,
  period: Period,
  options: { by: RoutingDimension; score?: string | null },
): Promise<Routing> {
  const unit = seriesUnit(period);
  const range = sql`project_id = ${projectId} and hour >= ${period.from.toISOString()}::timestamptz and hour < ${period.to.toISOString()}::timestamptz`;
  // One read of each rollup table per (period unit, model, route): the series per key, the totals per key and
  // the scatter per (model, route) are all sums of these few hundred rows, added up here instead of three
  // more scans of the same rollup rows each.
  const cellsQuery = selectRows<Record<string, unknown>>(
    db,
    sql`select date_trunc(${unit}, hour, 'UTC') as t, model, route, ${totalsColumns}, ${histogramSumColumns()}
          from hourly_rollups where ${range} group by 1, 2, 3`,
  );
  const [cells, names] = await Promise.all([
    cellsQuery,
    selectRows<{ name: string; n: number }>(
      db,
      sql`select name, sum(count)::int as n from hourly_score_rollups where ${range} group by name order by n desc, name`,
    ),
  ]);
  const scoreNames = names.map((n) => n.name).sort();
  const score = options.score && scoreNames.includes(options.score) ? options.score : (names[0]?.name ?? null);
  const scoreCells = score
    ? await selectRows<{ t: string; model: string; route: string; s: number; n: number }>(
        db,
        sql`select date_trunc(${unit}, hour, 'UTC') as t, model, route, sum(sum)::float8 as s, sum(count)::float8 as n
              from hourly_score_rollups where ${range} and name = ${score} group by 1, 2, 3`,
      )
    : [];
  const iso = (v: unknown) => new Date(v as string).toISOString();
  const keyOf = (r: { model: unknown; route: unknown }) => String(options.by === "model" ? r.model : r.route);
  const group = <T>(rows: T[], key: (r: T) => string) => {
    const groups = new Map<string, T[]>();
    for (const r of rows) {
      const k = key(r);
      const list = groups.get(k);
      if (list) list.push(r);
      else groups.set(k, [r]);
    }
    return groups;
  };
  const totalsOf = (rows: Array<Record<string, unknown>>) => sumTotals(rows.map(totalsFromRow));
  const averageOf = (rows: Array<{ s: number; n: number }>) => {
    const n = rows.reduce((a, r) => a + Number(r.n), 0);
    return n > 0 ? rows.reduce((a, r) => a + Number(r.s), 0) / n : null;
  };
  const scoreAt = new Map([...group(scoreCells, (c) => `${iso(c.t)}\u0000${keyOf(c)}`)].map(([k, rows]) => [k, averageOf(rows)]));
  const scoreOf = new Map([...group(scoreCells, keyOf)].map(([k, rows]) => [k, averageOf(rows)]));
  const scatterScore = new Map([...group(scoreCells, (c) => `${c.model}\u0000${c.route}`)].map(([k, rows]) => [k, averageOf(rows)]));
  const series = [...group(cells, (c) => `${iso(c.t)}\u0000${keyOf(c as { model: unknown; route: unknown })}`)]
    .map(([k, rows]) => {
      const [t = "", key = ""] = k.split("\u0000");
      return { t, key, ...metricsOf(totalsOf(rows)), score: scoreAt.get(k) ?? null };
    })
    .sort((a, b) => (a.t < b.t ? -1 : a.t > b.t ? 1 : a.key < b.key ? -1 : a.key > b.key ? 1 : 0));
  const totals = [...group(cells, (c) => keyOf(c as { model: unknown; route: unknown }))]
    .map(([key, rows]) => ({ key, ...metricsOf(totalsOf(rows)) }))
    .sort((a, b) => b.requests - a.requests);
  const all = totals.reduce((s, t) => s + t.requests, 0);
  return {
    by: options.by,
    unit,
    period: { from: period.from.toISOString(), to: period.to.toISOString() },
    scoreNames,
    score,
    keys: totals.map((t) => t.key),
    series,
    totals: totals.map((t) => ({ ...t, share: all > 0 ? t.requests / all : 0, score: scoreOf.get(t.key) ?? null })),
    scatter: [...group(cells, (c) => `${String(c.model)}\u0000${String(c.route)}`)].map(([k, rows]) => {
      const m = metricsOf(totalsOf(rows));
      const [model = "", route = ""] = k.split("\u0000");
      return {
        model,
        route,
        requests: m.requests,
        costPerRequestUsd: m.costPerRequestUsd,
        latencyP95Ms: m.latencyP95Ms,
        score: scatterScore.get(k) ?? null,
      };
    }),
  };
}

import { sql } from "drizzle-orm";
import type { Database } from "@/db/client";
import { seriesUnit, type Period } from "@/lib/period";
import { histogramSumColumns, metricsOf, selectRows, totalsColumns, totalsFromRow, type RollupMetrics } from "./overview-rollups";

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
  const key = sql.identifier(options.by);
  const range = sql`project_id = ${projectId} and hour >= ${period.from.toISOString()}::timestamptz and hour < ${period.to.toISOString()}::timestamptz`;
  const names = await selectRows<{ name: string; n: number }>(
    db,
    sql`select name, sum(count)::int as n from hourly_score_rollups where ${range} group by name order by n desc, name`,
  );
  const scoreNames = names.map((n) => n.name).sort();
  const score = options.score && scoreNames.includes(options.score) ? options.score : (names[0]?.name ?? null);
  const [seriesRows, totalRows, scoreSeries, scoreTotals, scatterRows, scatterScores] = await Promise.all([
    selectRows<Record<string, unknown>>(
      db,
      sql`select date_trunc(${unit}, hour, 'UTC') as t, ${key} as key, ${totalsColumns}, ${histogramSumColumns()}
            from hourly_rollups where ${range} group by 1, 2 order by 1, 2`,
    ),
    selectRows<Record<string, unknown>>(
      db,
      sql`select ${key} as key, ${totalsColumns}, ${histogramSumColumns()} from hourly_rollups where ${range}
           group by 1 order by requests desc`,
    ),
    score
      ? selectRows<{ t: string; key: string; avg: number }>(
          db,
          sql`select date_trunc(${unit}, hour, 'UTC') as t, ${key} as key, (sum(sum) / nullif(sum(count), 0))::float8 as avg
                from hourly_score_rollups where ${range} and name = ${score} group by 1, 2`,
        )
      : Promise.resolve([]),
    score
      ? selectRows<{ key: string; avg: number }>(
          db,
          sql`select ${key} as key, (sum(sum) / nullif(sum(count), 0))::float8 as avg
                from hourly_score_rollups where ${range} and name = ${score} group by 1`,
        )
      : Promise.resolve([]),
    selectRows<Record<string, unknown>>(
      db,
      sql`select model, route, ${totalsColumns}, ${histogramSumColumns()} from hourly_rollups where ${range} group by 1, 2`,
    ),
    score
      ? selectRows<{ model: string; route: string; avg: number }>(
          db,
          sql`select model, route, (sum(sum) / nullif(sum(count), 0))::float8 as avg
                from hourly_score_rollups where ${range} and name = ${score} group by 1, 2`,
        )
      : Promise.resolve([]),
  ]);
  const iso = (v: unknown) => new Date(v as string).toISOString();
  const scoreAt = new Map(scoreSeries.map((s) => [`${iso(s.t)}|${s.key}`, Number(s.avg)]));
  const scoreOf = new Map(scoreTotals.map((s) => [s.key, Number(s.avg)]));
  const scatterScore = new Map(scatterScores.map((s) => [`${s.model}|${s.route}`, Number(s.avg)]));
  const totals = totalRows.map((r) => ({ key: String(r.key), ...metricsOf(totalsFromRow(r)) }));
  const all = totals.reduce((s, t) => s + t.requests, 0);
  return {
    by: options.by,
    unit,
    period: { from: period.from.toISOString(), to: period.to.toISOString() },
    scoreNames,
    score,
    keys: totals.map((t) => t.key),
    series: seriesRows.map((r) => {
      const t = iso(r.t);
      const k = String(r.key);
      return { t, key: k, ...metricsOf(totalsFromRow(r)), score: scoreAt.get(`${t}|${k}`) ?? null };
    }),
    totals: totals.map((t) => ({ ...t, share: all > 0 ? t.requests / all : 0, score: scoreOf.get(t.key) ?? null })),
    scatter: scatterRows.map((r) => {
      const m = metricsOf(totalsFromRow(r));
      const model = String(r.model);
      const route = String(r.route);
      return {
        model,
        route,
        requests: m.requests,
        costPerRequestUsd: m.costPerRequestUsd,
        latencyP95Ms: m.latencyP95Ms,
        score: scatterScore.get(`${model}|${route}`) ?? null,
      };
    }),
  };
}

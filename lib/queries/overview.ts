import { sql } from "drizzle-orm";
import type { Database } from "@/db/client";
import { previousPeriod, seriesUnit, type Period } from "@/lib/period";
import { activeUserRanges } from "./active-user-bitmaps";
import {
  histogramSumColumns,
  metricsOf,
  selectRows,
  sumTotals,
  totalsColumns,
  totalsFromRow,
  type RollupMetrics,
  type RollupTotals,
} from "./overview-rollups";

export type ScoreAverages = Record<string, { average: number; count: number }>;

export type OverviewKpis = RollupMetrics & {
  activeUsers: number;
  scores: ScoreAverages;
};

export type OverviewPoint = {
  t: string;
  requests: number;
  errors: number;
  refusals: number;
  costUsd: number;
  latencyP50Ms: number | null;
  latencyP95Ms: number | null;
};

export type Overview = {
  period: { from: string; to: string; unit: "hour" | "day" };
  previousPeriod: { from: string; to: string };
  /** False while the project has never received a trace (the page shows how to send one). */
  hasTraces: boolean;
  /** Hours changed since the rollup job last ran; the figures catch up within seconds. */
  pendingHours: number;
  current: OverviewKpis;
  previous: OverviewKpis;
  series: OverviewPoint[];
};

/**
 * Distinct users of a period, exact: its whole UTC days from active_user_days
 * (one row per user and 64-day block, `days & mask`), the partial days at its
 * edges from active_user_hours (one row per user and edge day, `hours & mask`)
 * — about users × 4 rows for a 30-day period, however many days it spans.
 */
async function activeUsers(db: Database, projectId: string, period: Period): Promise<number> {
  const { days, hours } = activeUserRanges(period);
  const parts = [
    ...days.map(
      (d) => sql`select user_id from active_user_days
                  where project_id = ${projectId} and block = ${d.block} and days & ${d.mask}::bigint <> 0`,
    ),
    ...hours.map(
      (h) => sql`select user_id from active_user_hours
                  where project_id = ${projectId} and day = ${h.day}::date and hours & ${h.mask}::int <> 0`,
    ),
  ];
  if (parts.length === 0) return 0;
  const [row] = await selectRows<{ n: number }>(db, sql`select count(*)::int as n from (${sql.join(parts, sql` union `)}) u`);
  return Number(row?.n ?? 0);
}

export async function scoreAverages(
  db: Database,
  projectId: string,
  period: Period,
  filter?: { column: "model" | "route"; value: string },
): Promise<ScoreAverages> {
  const rows = await selectRows<{ name: string; s: number; n: number }>(
    db,
    sql`select name, sum(sum)::float8 as s, sum(count)::int as n from hourly_score_rollups
         where project_id = ${projectId} and hour >= ${period.from.toISOString()}::timestamptz
           and hour < ${period.to.toISOString()}::timestamptz
           ${filter ? sql`and ${sql.identifier(filter.column)} = ${filter.value}` : sql``}
         group by name order by name`,
  );
  return Object.fromEntries(rows.map((r) => [r.name, { average: Number(r.s) / Number(r.n), count: Number(r.n) }]));
}

/** A period's KPIs; its rollup totals are given when the caller sums them anyway (from the series). */
async function kpis(db: Database, projectId: string, period: Period, totals?: Promise<RollupTotals>): Promise<OverviewKpis> {
  const [sum, users, scores] = await Promise.all([
    totals ??
      selectRows<Record<string, unknown>>(
        db,
        sql`select ${totalsColumns}, ${histogramSumColumns()} from hourly_rollups
             where project_id = ${projectId} and hour >= ${period.from.toISOString()}::timestamptz
               and hour < ${period.to.toISOString()}::timestamptz`,
      ).then(([row]) => totalsFromRow(row ?? {})),
    activeUsers(db, projectId, period),
    scoreAverages(db, projectId, period),
  ]);
  return { ...metricsOf(sum), activeUsers: users, scores };
}

/**
 * The overview's KPIs for a period and the one before it (for the trends),
 * and a per-hour or per-day series — all read from the hourly rollups.
 */
export async function getOverview(db: Database, projectId: string, period: Period): Promise<Overview> {
  const previous = previousPeriod(period);
  const unit = seriesUnit(period);
  // The period's own totals are the sum of its series (the same rollup rows), so they take no second scan.
  const seriesQuery = selectRows<Record<string, unknown>>(
    db,
    sql`select date_trunc(${unit}, hour, 'UTC') as t, ${totalsColumns}, ${histogramSumColumns()} from hourly_rollups
         where project_id = ${projectId} and hour >= ${period.from.toISOString()}::timestamptz
           and hour < ${period.to.toISOString()}::timestamptz
         group by 1 order by 1`,
  );
  const [current, before, seriesRows, [flags]] = await Promise.all([
    kpis(db, projectId, period, seriesQuery.then((rows) => sumTotals(rows.map(totalsFromRow)))),
    kpis(db, projectId, previous),
    seriesQuery,
    selectRows<{ has_traces: boolean; pending: number }>(
      db,
      sql`select exists (select 1 from traces where project_id = ${projectId}) as has_traces,
                 (select count(*)::int from rollup_dirty_hours where project_id = ${projectId}) as pending`,
    ),
  ]);
  return {
    period: { from: period.from.toISOString(), to: period.to.toISOString(), unit },
    previousPeriod: { from: previous.from.toISOString(), to: previous.to.toISOString() },
    hasTraces: Boolean(flags?.has_traces),
    pendingHours: Number(flags?.pending ?? 0),
    current,
    previous: before,
    series: seriesRows.map((r) => {
      const m = metricsOf(totalsFromRow(r));
      return {
        t: new Date(r.t as string).toISOString(),
        requests: m.requests,
        errors: Number(r.errors ?? 0),
        refusals: Number(r.refusals ?? 0),
        costUsd: m.costUsd,
        latencyP50Ms: m.latencyP50Ms,
        latencyP95Ms: m.latencyP95Ms,
      };
    }),
  };
}

import { sql } from "drizzle-orm";
import type { Database } from "@/db/client";
import { previousPeriod, seriesUnit, type Period } from "@/lib/period";
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

const DAY = 86_400_000;

/**
 * Distinct users of a period: whole UTC days from daily_active_users, the
 * partial days at the edges from hourly_active_users (index-only ranges on
 * their primary keys), so the count is exact for any hour-aligned period.
 */
async function activeUsers(db: Database, projectId: string, period: Period): Promise<number> {
  const fullFrom = new Date(Math.ceil(period.from.getTime() / DAY) * DAY);
  const fullTo = new Date(Math.floor(period.to.getTime() / DAY) * DAY);
  const from = period.from.toISOString();
  const to = period.to.toISOString();
  let query;
  if (fullFrom >= fullTo) {
    query = sql`select count(distinct user_id)::int as n from hourly_active_users
      where project_id = ${projectId} and hour >= ${from}::timestamptz and hour < ${to}::timestamptz`;
  } else {
    const a = fullFrom.toISOString();
    const b = fullTo.toISOString();
    query = sql`select count(*)::int as n from (
        select user_id from daily_active_users
         where project_id = ${projectId} and day >= ${a.slice(0, 10)}::date and day < ${b.slice(0, 10)}::date
        union
        select user_id from hourly_active_users
         where project_id = ${projectId}
           and ((hour >= ${from}::timestamptz and hour < ${a}::timestamptz)
             or (hour >= ${b}::timestamptz and hour < ${to}::timestamptz))) u`;
  }
  const [row] = await selectRows<{ n: number }>(db, query);
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

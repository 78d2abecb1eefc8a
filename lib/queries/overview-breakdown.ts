import { sql } from "drizzle-orm";
import type { Database } from "@/db/client";
import { previousPeriod, type Period } from "@/lib/period";
import { histogramSumColumns, metricsOf, selectRows, totalsColumns, totalsFromRow, type Dimension, type RollupMetrics } from "./overview-rollups";

export type BreakdownRow = RollupMetrics & {
  key: string;
  /** Share of the period's requests (tags can add up to more than 1: a trace may carry several). */
  share: number;
  previousRequests: number;
  scores: Record<string, number>;
};

export type Breakdown = { by: Dimension; period: { from: string; to: string }; rows: BreakdownRow[] };

/** Requests, cost, latency, error and refusal rates per model, route or tag, from the hourly rollups. */
export async function getBreakdown(db: Database, projectId: string, period: Period, by: Dimension): Promise<Breakdown> {
  const prev = previousPeriod(period);
  const table = by === "tag" ? "hourly_tag_rollups" : "hourly_rollups";
  const key = by === "tag" ? "tag" : by;
  const range = (p: Period) =>
    sql`project_id = ${projectId} and hour >= ${p.from.toISOString()}::timestamptz and hour < ${p.to.toISOString()}::timestamptz`;
  const periodRequests = () =>
    selectRows<{ requests: number }>(db, sql`select coalesce(sum(requests), 0)::int as requests from hourly_rollups where ${range(period)}`);
  const [rows, prevRows, scoreRows, [total]] = await Promise.all([
    selectRows<Record<string, unknown>>(
      db,
      sql`select ${sql.identifier(key)} as key, ${totalsColumns}, ${histogramSumColumns()} from ${sql.identifier(table)}
           where ${range(period)} group by 1 order by requests desc, 1 limit 200`,
    ),
    selectRows<{ key: string; requests: number }>(
      db,
      sql`select ${sql.identifier(key)} as key, sum(requests)::int as requests from ${sql.identifier(table)}
           where ${range(prev)} group by 1`,
    ),
    by === "tag"
      ? Promise.resolve([] as Array<{ key: string; name: string; avg: number }>)
      : selectRows<{ key: string; name: string; avg: number }>(
          db,
          sql`select ${sql.identifier(key)} as key, name, (sum(sum) / nullif(sum(count), 0))::float8 as avg
                from hourly_score_rollups where ${range(period)} group by 1, 2`,
        ),
    by === "tag" ? periodRequests() : Promise.resolve([]),
  ]);
  // Per model or route the rows add up to the period's total (unless cut at 200); a trace carries any number of tags.
  const totalRequests =
    by !== "tag" && rows.length < 200 ? rows.reduce((s, r) => s + Number(r.requests ?? 0), 0) : Number((total ?? (await periodRequests())[0])?.requests ?? 0);
  const prevByKey = new Map(prevRows.map((r) => [r.key, Number(r.requests)]));
  const scoresByKey = new Map<string, Record<string, number>>();
  for (const s of scoreRows) {
    const entry = scoresByKey.get(s.key) ?? {};
    entry[s.name] = Number(s.avg);
    scoresByKey.set(s.key, entry);
  }
  return {
    by,
    period: { from: period.from.toISOString(), to: period.to.toISOString() },
    rows: rows.map((r) => {
      const k = String(r.key ?? "");
      const m = metricsOf(totalsFromRow(r));
      return {
        key: k,
        ...m,
        share: totalRequests > 0 ? m.requests / totalRequests : 0,
        previousRequests: prevByKey.get(k) ?? 0,
        scores: scoresByKey.get(k) ?? {},
      };
    }),
  };
}

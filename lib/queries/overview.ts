import { and, count, countDistinct, eq, gte, lt, sql } from "drizzle-orm";
import type { Database } from "@/db/client";
import { traces } from "@/db/schema";

export type OverviewPeriod = { from: Date; to: Date };

export type OverviewKpis = {
  requests: number;
  activeUsers: number;
  costUsd: number;
  costPerRequestUsd: number | null;
  latencyP50Ms: number | null;
  latencyP95Ms: number | null;
  errorRate: number | null;
};

export type Overview = {
  period: { from: string; to: string };
  totalTraces: number;
  current: OverviewKpis;
  previous: OverviewKpis;
  daily: Array<{ day: string; requests: number; errors: number; costUsd: number; latencyP95Ms: number | null }>;
  byModel: Array<{ model: string; requests: number; costUsd: number; latencyP50Ms: number | null }>;
};

async function kpis(db: Database, projectId: string, period: OverviewPeriod): Promise<OverviewKpis> {
  const [row] = await db
    .select({
      requests: count(),
      activeUsers: countDistinct(traces.userId),
      costUsd: sql<string | null>`sum(${traces.costUsd})`,
      p50: sql<number | null>`percentile_cont(0.5) within group (order by ${traces.latencyMs})`,
      p95: sql<number | null>`percentile_cont(0.95) within group (order by ${traces.latencyMs})`,
      errors: sql<number>`count(*) filter (where ${traces.status} = 'error')`,
    })
    .from(traces)
    .where(and(eq(traces.projectId, projectId), gte(traces.startedAt, period.from), lt(traces.startedAt, period.to)));
  const requests = Number(row?.requests ?? 0);
  const costUsd = Number(row?.costUsd ?? 0);
  return {
    requests,
    activeUsers: Number(row?.activeUsers ?? 0),
    costUsd,
    costPerRequestUsd: requests > 0 ? costUsd / requests : null,
    latencyP50Ms: row?.p50 == null ? null : Number(row.p50),
    latencyP95Ms: row?.p95 == null ? null : Number(row.p95),
    errorRate: requests > 0 ? Number(row?.errors ?? 0) / requests : null,
  };
}

/**
 * The overview page's numbers for a period and the period just before it (for
 * the trends), a per-day series and a per-model breakdown.
 */
export async function getOverview(db: Database, projectId: string, period: OverviewPeriod): Promise<Overview> {
  const span = period.to.getTime() - period.from.getTime();
  const previousPeriod = { from: new Date(period.from.getTime() - span), to: period.from };
  const window = and(eq(traces.projectId, projectId), gte(traces.startedAt, period.from), lt(traces.startedAt, period.to));
  const day = sql<string>`to_char(date_trunc('day', ${traces.startedAt} at time zone 'UTC'), 'YYYY-MM-DD')`;
  const [current, previous, daily, byModel, total] = await Promise.all([
    kpis(db, projectId, period),
    kpis(db, projectId, previousPeriod),
    db
      .select({
        day,
        requests: count(),
        errors: sql<number>`count(*) filter (where ${traces.status} = 'error')`,
        costUsd: sql<string | null>`sum(${traces.costUsd})`,
        latencyP95Ms: sql<number | null>`percentile_cont(0.95) within group (order by ${traces.latencyMs})`,
      })
      .from(traces)
      .where(window)
      .groupBy(day)
      .orderBy(day),
    db
      .select({
        model: sql<string>`coalesce(${traces.model}, '(unknown)')`,
        requests: count(),
        costUsd: sql<string | null>`sum(${traces.costUsd})`,
        latencyP50Ms: sql<number | null>`percentile_cont(0.5) within group (order by ${traces.latencyMs})`,
      })
      .from(traces)
      .where(window)
      .groupBy(sql`1`)
      .orderBy(sql`2 desc`),
    db.select({ n: count() }).from(traces).where(eq(traces.projectId, projectId)),
  ]);
  return {
    period: { from: period.from.toISOString(), to: period.to.toISOString() },
    totalTraces: Number(total[0]?.n ?? 0),
    current,
    previous,
    daily: daily.map((d) => ({
      day: d.day,
      requests: Number(d.requests),
      errors: Number(d.errors),
      costUsd: Number(d.costUsd ?? 0),
      latencyP95Ms: d.latencyP95Ms == null ? null : Number(d.latencyP95Ms),
    })),
    byModel: byModel.map((m) => ({
      model: m.model,
      requests: Number(m.requests),
      costUsd: Number(m.costUsd ?? 0),
      latencyP50Ms: m.latencyP50Ms == null ? null : Number(m.latencyP50Ms),
    })),
  };
}

/** "24h" | "7d" | "30d" → a period ending now. */
export function periodFromRange(range: string | null | undefined, now = new Date()): OverviewPeriod {
  const hours = range === "24h" ? 24 : range === "30d" ? 24 * 30 : 24 * 7;
  return { from: new Date(now.getTime() - hours * 3_600_000), to: now };
}

import { and, desc, eq, gte, lte } from "drizzle-orm";
import type { Database } from "@/db/client";
import { monitorResults, type MonitorVerdict } from "@/db/schema";

/** One point of a monitor's series. */
export type MonitorResultView = {
  id: string;
  windowStart: string;
  windowEnd: string;
  referenceStart: string;
  referenceEnd: string;
  sampleSizes: { reference: number; current: number; referenceAvailable?: number; currentAvailable?: number };
  statistics: Record<string, unknown>;
  pValue: number | null;
  score: number | null;
  threshold: number | null;
  verdict: MonitorVerdict;
  /** Chart data (projection points, topics, emerging topics, version comparisons); omitted when not asked for. */
  artefacts?: Record<string, unknown>;
  durationMs: number;
  computedAt: string;
};

export type MonitorResultFilter = {
  /** Windows ending at or after this time. */
  from?: Date;
  /** Windows ending at or before this time. */
  to?: Date;
  /** Most recent `limit` windows (default 500). */
  limit?: number;
  artefacts?: boolean;
};

/** A monitor's series in time order (the latest `limit` windows within [from, to]). */
export async function listMonitorResults(db: Database, projectId: string, monitorId: string, filter: MonitorResultFilter = {}): Promise<MonitorResultView[]> {
  const conditions = [eq(monitorResults.projectId, projectId), eq(monitorResults.monitorId, monitorId)];
  if (filter.from) conditions.push(gte(monitorResults.windowEnd, filter.from));
  if (filter.to) conditions.push(lte(monitorResults.windowEnd, filter.to));
  const rows = await db
    .select()
    .from(monitorResults)
    .where(and(...conditions))
    .orderBy(desc(monitorResults.windowEnd))
    .limit(Math.min(filter.limit ?? 500, 5000));
  return rows.reverse().map((r) => ({
    id: r.id,
    windowStart: r.windowStart.toISOString(),
    windowEnd: r.windowEnd.toISOString(),
    referenceStart: r.referenceStart.toISOString(),
    referenceEnd: r.referenceEnd.toISOString(),
    sampleSizes: r.sampleSizes,
    statistics: r.statistics,
    pValue: r.pValue,
    score: r.score,
    threshold: r.threshold,
    verdict: r.verdict,
    ...(filter.artefacts === false ? {} : { artefacts: r.artefacts }),
    durationMs: r.durationMs,
    computedAt: r.computedAt.toISOString(),
  }));
}

/** One result with its artefacts, by id (alert evidence links to it). */
export async function getMonitorResult(db: Database, projectId: string, resultId: string): Promise<(MonitorResultView & { monitorId: string }) | null> {
  if (!/^[0-9a-f-]{36}$/i.test(resultId)) return null;
  const [r] = await db.select().from(monitorResults).where(and(eq(monitorResults.projectId, projectId), eq(monitorResults.id, resultId)));
  if (!r) return null;
  const [view] = await listMonitorResults(db, projectId, r.monitorId, { from: r.windowEnd, to: r.windowEnd, limit: 1 });
  return view ? { ...view, monitorId: r.monitorId } : null;
}



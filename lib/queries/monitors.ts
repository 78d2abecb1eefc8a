import { and, desc, eq, inArray } from "drizzle-orm";
import type { Database } from "@/db/client";
import { monitorResults, monitors, type AlertState, type Monitor, type MonitorKind, type MonitorReference, type MonitorSegment, type MonitorVerdict } from "@/db/schema";
import { resolveThresholds } from "@/db/monitor-config";
import { formatDuration } from "@/lib/duration";

/** A monitor as the API and the dashboard show it. */
export type MonitorView = {
  id: string;
  name: string;
  kind: MonitorKind;
  segment: MonitorSegment;
  reference: MonitorReference;
  /** "24h", "7d", … */
  window: string;
  windowSeconds: number;
  schedule: string;
  /** What the creator set. */
  thresholds: Record<string, unknown>;
  /** What runs use: the stored settings with every default filled in. */
  effectiveThresholds: Record<string, unknown>;
  paused: boolean;
  channelIds: string[];
  alertState: AlertState;
  nextRunAt: string;
  lastRunAt: string | null;
  lastError: string | null;
  backfilledAt: string | null;
  createdAt: string;
  updatedAt: string;
  latestResult: { windowStart: string; windowEnd: string; verdict: MonitorVerdict; pValue: number | null; score: number | null; threshold: number | null } | null;
};

function effective(m: Monitor): Record<string, unknown> {
  try {
    return resolveThresholds(m.kind, m.thresholds) as Record<string, unknown>;
  } catch {
    return m.thresholds;
  }
}

function toView(m: Monitor, latest: MonitorView["latestResult"]): MonitorView {
  return {
    id: m.id,
    name: m.name,
    kind: m.kind,
    segment: m.segment,
    reference: m.reference,
    window: formatDuration(m.windowSeconds),
    windowSeconds: m.windowSeconds,
    schedule: m.schedule,
    thresholds: m.thresholds,
    effectiveThresholds: effective(m),
    paused: m.paused,
    channelIds: m.channelIds,
    alertState: m.alertState,
    nextRunAt: m.nextRunAt.toISOString(),
    lastRunAt: m.lastRunAt?.toISOString() ?? null,
    lastError: m.lastError,
    backfilledAt: m.backfilledAt?.toISOString() ?? null,
    createdAt: m.createdAt.toISOString(),
    updatedAt: m.updatedAt.toISOString(),
    latestResult: latest,
  };
}

async function latestResults(db: Database, projectId: string, ids: string[]): Promise<Map<string, MonitorView["latestResult"]>> {
  const out = new Map<string, MonitorView["latestResult"]>();
  if (ids.length === 0) return out;
  const rows = await db
    .selectDistinctOn([monitorResults.monitorId], {
      monitorId: monitorResults.monitorId,
      windowStart: monitorResults.windowStart,
      windowEnd: monitorResults.windowEnd,
      verdict: monitorResults.verdict,
      pValue: monitorResults.pValue,
      score: monitorResults.score,
      threshold: monitorResults.threshold,
    })
    .from(monitorResults)
    .where(and(eq(monitorResults.projectId, projectId), inArray(monitorResults.monitorId, ids)))
    .orderBy(monitorResults.monitorId, desc(monitorResults.windowEnd));
  for (const r of rows) {
    out.set(r.monitorId, {
      windowStart: r.windowStart.toISOString(),
      windowEnd: r.windowEnd.toISOString(),
      verdict: r.verdict,
      pValue: r.pValue,
      score: r.score,
      threshold: r.threshold,
    });
  }
  return out;
}

/** Every monitor of a project, newest first, each with its latest result. */
export async function listMonitors(db: Database, projectId: string): Promise<MonitorView[]> {
  const rows = await db.select().from(monitors).where(eq(monitors.projectId, projectId)).orderBy(desc(monitors.createdAt));
  const latest = await latestResults(db, projectId, rows.map((r) => r.id));
  return rows.map((r) => toView(r, latest.get(r.id) ?? null));
}

/** One monitor, or null when the project has no monitor with that id. */
export async function getMonitor(db: Database, projectId: string, monitorId: string): Promise<MonitorView | null> {
  if (!/^[0-9a-f-]{36}$/i.test(monitorId)) return null;
  const [row] = await db.select().from(monitors).where(and(eq(monitors.projectId, projectId), eq(monitors.id, monitorId)));
  if (!row) return null;
  const latest = await latestResults(db, projectId, [row.id]);
  return toView(row, latest.get(row.id) ?? null);
}

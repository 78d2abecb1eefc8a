import { and, desc, eq, type SQL } from "drizzle-orm";
import type { Database } from "@/db/client";
import { alertChannels, alerts, monitors, type AlertEvidence, type AlertState, type MonitorKind } from "@/db/schema";

export type AlertView = {
  id: string;
  monitor: { id: string; name: string; kind: MonitorKind };
  state: AlertState;
  title: string;
  summary: string;
  occurrences: number;
  openedAt: string;
  lastFiredAt: string;
  resolvedAt: string | null;
  /** The window that opened the alert and the latest one, with links to the results. */
  firstEvidence: AlertEvidence;
  lastEvidence: AlertEvidence;
};

export type AlertFilter = { state?: "firing" | "resolved"; monitorId?: string; limit?: number };

/** A project's alerts, newest first (firing ones first when no state is given). */
export async function listAlerts(db: Database, projectId: string, filter: AlertFilter = {}): Promise<AlertView[]> {
  const conditions: SQL[] = [eq(alerts.projectId, projectId)];
  if (filter.state) conditions.push(eq(alerts.state, filter.state));
  if (filter.monitorId) conditions.push(eq(alerts.monitorId, filter.monitorId));
  const rows = await db
    .select({ alert: alerts, monitorName: monitors.name, monitorKind: monitors.kind })
    .from(alerts)
    .innerJoin(monitors, and(eq(monitors.projectId, alerts.projectId), eq(monitors.id, alerts.monitorId)))
    .where(and(...conditions))
    .orderBy(alerts.state, desc(alerts.lastFiredAt))
    .limit(Math.min(filter.limit ?? 100, 1000));
  return rows.map(({ alert: a, monitorName, monitorKind }) => ({
    id: a.id,
    monitor: { id: a.monitorId, name: monitorName, kind: monitorKind },
    state: a.state,
    title: a.title,
    summary: a.summary,
    occurrences: a.occurrences,
    openedAt: a.openedAt.toISOString(),
    lastFiredAt: a.lastFiredAt.toISOString(),
    resolvedAt: a.resolvedAt?.toISOString() ?? null,
    firstEvidence: a.firstEvidence,
    lastEvidence: a.lastEvidence,
  }));
}

export type AlertChannelView = { id: string; name: string; kind: "webhook" | "slack"; url: string; enabled: boolean; createdAt: string };

/** A project's notification channels (secrets are never returned). */
export async function listAlertChannels(db: Database, projectId: string): Promise<AlertChannelView[]> {
  const rows = await db.select().from(alertChannels).where(eq(alertChannels.projectId, projectId)).orderBy(alertChannels.createdAt);
  return rows.map((c) => ({ id: c.id, name: c.name, kind: c.kind, url: c.url, enabled: c.enabled, createdAt: c.createdAt.toISOString() }));
}

import { and, desc, eq } from "drizzle-orm";
import type { Database } from "@/db/client";
import { alerts, monitors } from "@/db/schema";

export type OpenAlerts = { firing: number; monitors: string[]; oldestOpenedAt: string | null };

/** How many alerts are firing in a project (at most one per monitor), with their monitors' names — the overview's KPI. */
export async function getOpenAlerts(db: Database, projectId: string): Promise<OpenAlerts> {
  const rows = await db
    .select({ name: monitors.name, openedAt: alerts.openedAt })
    .from(alerts)
    .innerJoin(monitors, and(eq(monitors.projectId, alerts.projectId), eq(monitors.id, alerts.monitorId)))
    .where(and(eq(alerts.projectId, projectId), eq(alerts.state, "firing")))
    .orderBy(desc(alerts.lastFiredAt));
  const oldest = rows.reduce<Date | null>((min, r) => (min === null || r.openedAt < min ? r.openedAt : min), null);
  return { firing: rows.length, monitors: rows.map((r) => r.name), oldestOpenedAt: oldest?.toISOString() ?? null };
}

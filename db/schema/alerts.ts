import { sql } from "drizzle-orm";
import { foreignKey, index, integer, jsonb, pgTable, primaryKey, text, timestamp, uniqueIndex, uuid } from "drizzle-orm/pg-core";
import { alertState, monitors } from "./monitors";

/** Where the evidence of an alert is: the monitor result (window) and, for version regressions, the change. */
export type AlertEvidence = {
  monitorId: string;
  resultId: string;
  windowStart: string;
  windowEnd: string;
  versionChangeIds?: string[];
  /** API path of the result series around the window. */
  href: string;
};

/**
 * An alert episode of a monitor: opened (firing) by a drift verdict, resolved
 * after enough clean windows. At most one firing alert per monitor (the
 * partial unique index), so repeated drift verdicts update it instead of
 * opening new ones (de-duplication); drift within the cool-down after a
 * resolve re-opens the same alert without notifying again.
 */
export const alerts = pgTable(
  "alerts",
  {
    projectId: uuid("project_id").notNull(),
    id: uuid("id").notNull().defaultRandom(),
    monitorId: uuid("monitor_id").notNull(),
    state: alertState("state").notNull(),
    title: text("title").notNull(),
    summary: text("summary").notNull(),
    firstEvidence: jsonb("first_evidence").$type<AlertEvidence>().notNull(),
    lastEvidence: jsonb("last_evidence").$type<AlertEvidence>().notNull(),
    /** Drift verdicts that fed this alert (1 at opening). */
    occurrences: integer("occurrences").notNull().default(1),
    /** Consecutive clean windows while firing; resolves at the monitor's `resolveAfter`. */
    cleanStreak: integer("clean_streak").notNull().default(0),
    openedAt: timestamp("opened_at", { withTimezone: true }).notNull().defaultNow(),
    lastFiredAt: timestamp("last_fired_at", { withTimezone: true }).notNull().defaultNow(),
    resolvedAt: timestamp("resolved_at", { withTimezone: true }),
  },
  (t) => [
    primaryKey({ columns: [t.projectId, t.id] }),
    uniqueIndex("alerts_one_firing_key").on(t.projectId, t.monitorId).where(sql`state = 'firing'`),
    index("alerts_project_opened_idx").on(t.projectId, t.openedAt),
    foreignKey({ columns: [t.projectId, t.monitorId], foreignColumns: [monitors.projectId, monitors.id] }).onDelete("cascade"),
  ],
);

export type Alert = typeof alerts.$inferSelect;

import { sql } from "drizzle-orm";
import { boolean, index, integer, jsonb, pgEnum, pgTable, primaryKey, text, timestamp, uuid } from "drizzle-orm/pg-core";
import { projects } from "./projects";

export const monitorKind = pgEnum("monitor_kind", ["embedding_drift", "topic_drift", "concept_drift", "version_regression", "metric"]);
/** ok → firing → resolved (lib/alerts/alert-state.ts); a monitor starts at ok. */
export const alertState = pgEnum("alert_state", ["ok", "firing", "resolved"]);

/** Filters on the traces a monitor watches; every given field must match. */
export type MonitorSegment = { model?: string; route?: string; provider?: string; tags?: string[] };
/** The window compared with: a fixed time range, or the window just before the current one. */
export type MonitorReference = { type: "fixed"; from: string; to: string } | { type: "preceding" };

/**
 * A monitor watches one segment of a project's traffic on a cron schedule.
 * Scheduling state lives on the row: the task claims rows whose `next_run_at`
 * has passed with `FOR UPDATE SKIP LOCKED` and a lease (`locked_until`), so
 * any number of workers share monitors and a dead worker's lease runs out.
 * `next_run_at` advances one cron tick per run, so schedules missed while
 * nothing ran are caught up on restart, window by window.
 */
export const monitors = pgTable(
  "monitors",
  {
    projectId: uuid("project_id")
      .notNull()
      .references(() => projects.id, { onDelete: "cascade" }),
    id: uuid("id").notNull().defaultRandom(),
    name: text("name").notNull(),
    kind: monitorKind("kind").notNull(),
    segment: jsonb("segment").$type<MonitorSegment>().notNull().default(sql`'{}'::jsonb`),
    reference: jsonb("reference").$type<MonitorReference>().notNull(),
    /** Length of the current window in seconds (and of a preceding reference). */
    windowSeconds: integer("window_seconds").notNull(),
    /** Five-field cron expression in UTC (lib/monitors/cron.ts); a run's window ends at its tick. */
    schedule: text("schedule").notNull(),
    /** Kind-specific settings with documented defaults (db/monitor-config.ts, docs/monitors.md). */
    thresholds: jsonb("thresholds").$type<Record<string, unknown>>().notNull().default(sql`'{}'::jsonb`),
    paused: boolean("paused").notNull().default(false),
    channelIds: uuid("channel_ids").array().notNull().default(sql`'{}'::uuid[]`),
    alertState: alertState("alert_state").notNull().default("ok"),
    nextRunAt: timestamp("next_run_at", { withTimezone: true }).notNull(),
    lockedUntil: timestamp("locked_until", { withTimezone: true }),
    /** Consecutive failed runs of the due window; reset by a success. */
    attempts: integer("attempts").notNull().default(0),
    lastError: text("last_error"),
    lastRunAt: timestamp("last_run_at", { withTimezone: true }),
    /** Set once the series over data stored before the monitor existed has been computed. */
    backfilledAt: timestamp("backfilled_at", { withTimezone: true }),
    createdAt: timestamp("created_at", { withTimezone: true }).notNull().defaultNow(),
    updatedAt: timestamp("updated_at", { withTimezone: true }).notNull().defaultNow(),
  },
  (t) => [
    primaryKey({ columns: [t.projectId, t.id] }),
    index("monitors_due_idx").on(t.nextRunAt).where(sql`paused = false`),
  ],
);

export type Monitor = typeof monitors.$inferSelect;
export type MonitorKind = (typeof monitorKind.enumValues)[number];
export type AlertState = (typeof alertState.enumValues)[number];

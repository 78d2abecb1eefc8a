import { sql } from "drizzle-orm";
import { index, integer, jsonb, pgTable, primaryKey, text, timestamp, uuid } from "drizzle-orm/pg-core";
import { projects } from "./projects";

/**
 * Outbox of notifications: written in the same transaction as the alert
 * transition, delivered by a periodic task (claimed with SKIP LOCKED and a
 * lease) with exponential backoff, so a crash neither loses nor invents one.
 */
export const alertDeliveries = pgTable(
  "alert_deliveries",
  {
    projectId: uuid("project_id")
      .notNull()
      .references(() => projects.id, { onDelete: "cascade" }),
    id: uuid("id").notNull().defaultRandom(),
    alertId: uuid("alert_id").notNull(),
    channelId: uuid("channel_id").notNull(),
    /** "firing" or "resolved". */
    event: text("event").notNull(),
    payload: jsonb("payload").$type<Record<string, unknown>>().notNull(),
    attempts: integer("attempts").notNull().default(0),
    nextAttemptAt: timestamp("next_attempt_at", { withTimezone: true }).notNull().defaultNow(),
    lockedUntil: timestamp("locked_until", { withTimezone: true }),
    lastError: text("last_error"),
    deliveredAt: timestamp("delivered_at", { withTimezone: true }),
    failedAt: timestamp("failed_at", { withTimezone: true }),
    createdAt: timestamp("created_at", { withTimezone: true }).notNull().defaultNow(),
  },
  (t) => [
    primaryKey({ columns: [t.projectId, t.id] }),
    index("alert_deliveries_due_idx").on(t.nextAttemptAt).where(sql`delivered_at is null and failed_at is null`),
  ],
);

export type AlertDelivery = typeof alertDeliveries.$inferSelect;

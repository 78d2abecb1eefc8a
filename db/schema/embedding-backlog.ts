import { sql } from "drizzle-orm";
import { foreignKey, index, integer, pgTable, primaryKey, text, timestamp, uuid } from "drizzle-orm/pg-core";
import { embeddedText } from "./embeddings";
import { traceKeys } from "./trace-keys";

/**
 * Texts waiting to be embedded. A row is written in the same transaction as
 * its trace, so nothing stored is ever missed; the embedding job claims rows
 * with `FOR UPDATE SKIP LOCKED` and a lease (`locked_until`), and deletes a
 * row in the same transaction that stores its vector — a crash between the
 * two leaves the row to be claimed again once the lease runs out.
 */
export const embeddingBacklog = pgTable(
  "embedding_backlog",
  {
    projectId: uuid("project_id").notNull(),
    traceId: uuid("trace_id").notNull(),
    kind: embeddedText("kind").notNull(),
    attempts: integer("attempts").notNull().default(0),
    nextAttemptAt: timestamp("next_attempt_at", { withTimezone: true }).notNull().defaultNow(),
    lockedUntil: timestamp("locked_until", { withTimezone: true }),
    lastError: text("last_error"),
    /** Set when the text can never be embedded (the reason is in last_error); such rows are not retried. */
    failedAt: timestamp("failed_at", { withTimezone: true }),
    createdAt: timestamp("created_at", { withTimezone: true }).notNull().defaultNow(),
  },
  (t) => [
    primaryKey({ columns: [t.projectId, t.traceId, t.kind] }),
    foreignKey({ columns: [t.projectId, t.traceId], foreignColumns: [traceKeys.projectId, traceKeys.id] }).onDelete("cascade"),
    index("embedding_backlog_due_idx").on(t.nextAttemptAt).where(sql`failed_at is null`),
    index("embedding_backlog_project_idx").on(t.projectId, t.createdAt),
  ],
);

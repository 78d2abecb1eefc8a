import { sql } from "drizzle-orm";
import { index, jsonb, pgTable, primaryKey, text, timestamp, uuid } from "drizzle-orm/pg-core";
import { projects } from "./projects";

/**
 * Langfuse's ingestion API (`POST /api/public/ingestion`) sends one logical
 * trace as many events, spread over requests and in any order: a trace-create
 * (perhaps several), a generation-create when the call starts and a
 * generation-update with the output and usage when it ends. These two tables
 * hold what has arrived until a generation can be written as one Driftline
 * trace (lib/services/langfuse/ingest-langfuse.ts, docs/ingest.md).
 *
 * `fields` is the merge of every event's body so far; `field_times` holds, per
 * field, the timestamp of the event that set it, so an older event arriving
 * late never overwrites a newer value and a repeated event changes nothing.
 */
export const langfuseTraces = pgTable(
  "langfuse_traces",
  {
    projectId: uuid("project_id")
      .notNull()
      .references(() => projects.id, { onDelete: "cascade" }),
    /** The Langfuse trace id. */
    id: text("id").notNull(),
    fields: jsonb("fields").notNull().default(sql`'{}'::jsonb`),
    fieldTimes: jsonb("field_times").notNull().default(sql`'{}'::jsonb`),
    /** Trace-level scores (score-create without an observation), given to every generation of the trace. */
    scores: jsonb("scores").notNull().default(sql`'[]'::jsonb`),
    updatedAt: timestamp("updated_at", { withTimezone: true }).notNull().defaultNow(),
  },
  (t) => [primaryKey({ columns: [t.projectId, t.id] }), index("langfuse_traces_updated_idx").on(t.updatedAt)],
);

export const langfuseGenerations = pgTable(
  "langfuse_generations",
  {
    projectId: uuid("project_id")
      .notNull()
      .references(() => projects.id, { onDelete: "cascade" }),
    /** The Langfuse observation id; also the Driftline trace's external id. */
    id: text("id").notNull(),
    /** The Langfuse trace id it belongs to. */
    traceId: text("trace_id").notNull(),
    fields: jsonb("fields").notNull().default(sql`'{}'::jsonb`),
    fieldTimes: jsonb("field_times").notNull().default(sql`'{}'::jsonb`),
    /** Scores given to this observation while it was still open; stored with its trace when it is written. */
    scores: jsonb("scores").notNull().default(sql`'[]'::jsonb`),
    /** The Driftline trace written from it: null while the generation has no end. */
    writtenTraceId: uuid("written_trace_id"),
    createdAt: timestamp("created_at", { withTimezone: true }).notNull().defaultNow(),
    updatedAt: timestamp("updated_at", { withTimezone: true }).notNull().defaultNow(),
  },
  (t) => [
    primaryKey({ columns: [t.projectId, t.id] }),
    index("langfuse_generations_trace_idx").on(t.projectId, t.traceId),
    // The close task's scan: generations still open, oldest first.
    index("langfuse_generations_open_idx").on(t.updatedAt).where(sql`written_trace_id is null`),
  ],
);

import { sql } from "drizzle-orm";
import { doublePrecision, foreignKey, index, integer, pgTable, primaryKey, text, timestamp, uniqueIndex, uuid } from "drizzle-orm/pg-core";
import { traceKeys } from "./trace-keys";

/** A numeric judgement of a trace: user feedback, an LLM judge, an eval. */
export const scores = pgTable(
  "scores",
  {
    projectId: uuid("project_id").notNull(),
    traceId: uuid("trace_id").notNull(),
    name: text("name").notNull(),
    /** Who gave the score: "sdk", "otel", "user", "judge", … */
    source: text("source").notNull().default("sdk"),
    value: doublePrecision("value").notNull(),
    /**
     * The client's score id (`scoreId`, a Langfuse score's `id`): the same id
     * later names the same score, so a retry or a correction replaces it.
     */
    externalId: text("external_id"),
    comment: text("comment"),
    /** Scores written by an evaluator (source "eval"): which one, and its version. */
    evaluatorId: uuid("evaluator_id"),
    evaluatorVersion: integer("evaluator_version"),
    /** The golden item the trace was matched to, and the cosine of the match (1 for an exact match). */
    datasetItemId: uuid("dataset_item_id"),
    matchSimilarity: doublePrecision("match_similarity"),
    createdAt: timestamp("created_at", { withTimezone: true }).notNull().defaultNow(),
  },
  (t) => [
    primaryKey({ columns: [t.projectId, t.traceId, t.name, t.source] }),
    foreignKey({ columns: [t.projectId, t.traceId], foreignColumns: [traceKeys.projectId, traceKeys.id] }).onDelete("cascade"),
    index("scores_project_name_idx").on(t.projectId, t.name),
    uniqueIndex("scores_project_trace_external_key").on(t.projectId, t.traceId, t.externalId),
    index("scores_project_evaluator_idx").on(t.projectId, t.evaluatorId, t.createdAt).where(sql`evaluator_id is not null`),
    index("scores_project_item_idx").on(t.projectId, t.datasetItemId).where(sql`dataset_item_id is not null`),
  ],
);

export type Score = typeof scores.$inferSelect;

import { index, jsonb, pgTable, primaryKey, text, timestamp, uuid } from "drizzle-orm/pg-core";
import { projects } from "./projects";

/**
 * Retriever documents from OTLP spans (OpenInference `retrieval.documents.*`),
 * one row per retriever span, kept for a short window so that an LLM span of
 * the same OTel trace exported in another request still gets them as its
 * contexts — whichever of the two arrives first (lib/services/traces/
 * otlp-contexts.ts, docs/ingest.md "Retrieved contexts"). Rows older than the
 * window are deleted by the retention task.
 */
export const otlpRetrievals = pgTable(
  "otlp_retrievals",
  {
    projectId: uuid("project_id")
      .notNull()
      .references(() => projects.id, { onDelete: "cascade" }),
    /** The OTel trace id (32 lowercase hex characters). */
    otelTraceId: text("otel_trace_id").notNull(),
    /** The retriever span's id: a re-sent span is stored once. */
    spanId: text("span_id").notNull(),
    /** The retriever span's start: a trace's retrievals are joined in this order. */
    startedAt: timestamp("started_at", { withTimezone: true }).notNull(),
    /** `[{ content, id, source, score }]` in the span's index order. */
    documents: jsonb("documents").$type<Array<{ content: string; id: string | null; source: string | null; score: number | null }>>().notNull(),
    receivedAt: timestamp("received_at", { withTimezone: true }).notNull().defaultNow(),
  },
  (t) => [primaryKey({ columns: [t.projectId, t.otelTraceId, t.spanId] }), index("otlp_retrievals_received_idx").on(t.receivedAt)],
);

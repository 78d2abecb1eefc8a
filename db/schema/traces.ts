import { sql } from "drizzle-orm";
import {
  boolean,
  doublePrecision,
  index,
  integer,
  jsonb,
  numeric,
  pgEnum,
  pgTable,
  primaryKey,
  text,
  timestamp,
  uuid,
} from "drizzle-orm/pg-core";
import { jsonbValue } from "./columns";
import { projects } from "./projects";

export const traceStatus = pgEnum("trace_status", ["ok", "error"]);
/** Where a trace's cost came from (lib/ingest/pricing.ts); null while it has none. */
export const costSource = pgEnum("cost_source", ["client", "price_table", "override"]);

/**
 * One LLM call. Everything the dashboards aggregate (tokens, cost, latency)
 * is a typed column; `metadata` keeps whatever else the client sent.
 *
 * Partitioned by range of `started_at`, one partition per calendar month (UTC)
 * plus a default partition, on PostgreSQL and PGlite alike — drizzle-kit cannot
 * say so, migration 0019 does, and lib/jobs/partitions.ts creates the months
 * ahead. Every trace has its row in `trace_keys` (same project, id, start).
 */
export const traces = pgTable(
  "traces",
  {
    projectId: uuid("project_id")
      .notNull()
      .references(() => projects.id, { onDelete: "cascade" }),
    id: uuid("id").notNull().defaultRandom(),
    /** The client's id, the idempotency key within the project. */
    externalId: text("external_id").notNull(),
    startedAt: timestamp("started_at", { withTimezone: true }).notNull(),
    receivedAt: timestamp("received_at", { withTimezone: true }).notNull().defaultNow(),
    provider: text("provider"),
    /** The model the client requested. */
    model: text("model"),
    /** The snapshot the provider answered with (response model / system fingerprint). */
    modelVersion: text("model_version"),
    route: text("route"),
    /** A string, or a chat transcript `[{role, content}]`. */
    // Plain-text prompts are JSON strings; jsonbValue keeps "{}" or "null" a string when read.
    prompt: jsonbValue("prompt"),
    response: jsonbValue("response"),
    /** Plain text of the prompt's last user turn and of the response, for search and embedding. */
    promptText: text("prompt_text"),
    responseText: text("response_text"),
    latencyMs: doublePrecision("latency_ms"),
    ttftMs: doublePrecision("ttft_ms"),
    inputTokens: integer("input_tokens"),
    outputTokens: integer("output_tokens"),
    /** The part of input_tokens read from the provider's cache. */
    cachedInputTokens: integer("cached_input_tokens"),
    /** The part of output_tokens spent on reasoning. */
    reasoningTokens: integer("reasoning_tokens"),
    costUsd: numeric("cost_usd", { precision: 18, scale: 10, mode: "number" }),
    costSource: costSource("cost_source"),
    /** The price table that priced the trace, when cost_source is price_table (e.g. "genai-prices 0.1.8"). */
    priceTableVersion: text("price_table_version"),
    status: traceStatus("status").notNull().default("ok"),
    error: text("error"),
    finishReason: text("finish_reason"),
    /** The model declined to answer (lib/ingest/refusal.ts), decided once at ingest. */
    refused: boolean("refused").notNull().default(false),
    userId: text("user_id"),
    sessionId: text("session_id"),
    tags: text("tags").array().notNull().default(sql`'{}'::text[]`),
    metadata: jsonb("metadata").notNull().default(sql`'{}'::jsonb`),
    /** The answer the client expected (native `expectedOutput`, OTLP `driftline.expected_output`): reference-based evaluators' reference. */
    expectedOutput: text("expected_output"),
    /** Retrieved contexts `[{ content, id, source, score }]` in retrieval order; null when none were sent. */
    contexts: jsonb("contexts").$type<Array<{ content: string; id: string | null; source: string | null; score: number | null }>>(),
  },
  (t) => [
    // Partitioned by started_at (migration 0019): the key includes it; the client's id is unique in trace_keys.
    primaryKey({ columns: [t.projectId, t.id, t.startedAt] }),
    index("traces_project_external_idx").on(t.projectId, t.externalId),
    index("traces_project_started_idx").on(t.projectId, t.startedAt),
    index("traces_project_model_started_idx").on(t.projectId, t.model, t.startedAt),
    index("traces_tags_idx").using("gin", t.tags),
    // OTLP traces by their OTel trace id (metadata.otel.traceId): retriever documents that arrive after the
    // LLM span are attached to the traces of the same OTel trace (lib/services/traces/otlp-contexts.ts).
    index("traces_project_otel_trace_idx")
      .on(t.projectId, sql`(${t.metadata}->'otel'->>'traceId')`)
      .where(sql`(metadata->'otel'->>'traceId') is not null`),
    // Calls with tokens but no cost: the unknown models Settings lists. Small while most calls are priced.
    index("traces_unpriced_idx")
      .on(t.projectId, t.startedAt)
      .where(sql`cost_usd is null and input_tokens is not null and output_tokens is not null`),
  ],
);

export type Trace = typeof traces.$inferSelect;
export type NewTrace = typeof traces.$inferInsert;

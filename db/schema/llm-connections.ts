import { bigint, date, doublePrecision, integer, jsonb, pgTable, primaryKey, text, timestamp, uniqueIndex, uuid } from "drizzle-orm/pg-core";
import { projects } from "./projects";

/**
 * An OpenAI-compatible endpoint a project's LLM judges call. The API key and
 * the extra headers (which may carry secrets too) are sealed with the
 * server's secret box (lib/secret-box.ts, `DRIFTLINE_SECRET_KEY`); only the
 * key's last four characters and the header names are kept in clear, for
 * showing. Optional per-connection prices (USD per million tokens) estimate
 * the cost of a model the price table does not know.
 */
export const llmConnections = pgTable(
  "llm_connections",
  {
    projectId: uuid("project_id")
      .notNull()
      .references(() => projects.id, { onDelete: "cascade" }),
    id: uuid("id").notNull().defaultRandom(),
    name: text("name").notNull(),
    baseUrl: text("base_url").notNull(),
    model: text("model").notNull(),
    /** `v1.<key id>.<iv>.<tag>.<ciphertext>`; null: no key (a local server). */
    apiKeySealed: text("api_key_sealed"),
    apiKeyLast4: text("api_key_last4"),
    /** The headers object as JSON, sealed; null: none. */
    headersSealed: text("headers_sealed"),
    headerNames: jsonb("header_names").$type<string[]>().notNull().default([]),
    inputPerMillion: doublePrecision("input_per_million"),
    outputPerMillion: doublePrecision("output_per_million"),
    createdAt: timestamp("created_at", { withTimezone: true }).notNull().defaultNow(),
    updatedAt: timestamp("updated_at", { withTimezone: true }).notNull().defaultNow(),
  },
  (t) => [primaryKey({ columns: [t.projectId, t.id] }), uniqueIndex("llm_connections_project_name_key").on(t.projectId, t.name)],
);

/**
 * A judge's verdict, kept under a digest of everything that decides it
 * (template id and version, model, base URL, the inputs): a retry or a
 * backfill over the same trace reads it instead of paying for the call again.
 */
export const judgeCache = pgTable(
  "judge_cache",
  {
    projectId: uuid("project_id")
      .notNull()
      .references(() => projects.id, { onDelete: "cascade" }),
    key: text("key").notNull(),
    templateId: text("template_id").notNull(),
    templateVersion: integer("template_version").notNull(),
    model: text("model").notNull(),
    score: doublePrecision("score").notNull(),
    reasoning: text("reasoning"),
    detail: jsonb("detail").$type<Record<string, unknown>>().notNull().default({}),
    promptTokens: integer("prompt_tokens"),
    completionTokens: integer("completion_tokens"),
    createdAt: timestamp("created_at", { withTimezone: true }).notNull().defaultNow(),
  },
  (t) => [primaryKey({ columns: [t.projectId, t.key] })],
);

/** Judge calls and their estimated cost per evaluator and UTC day, for daily caps. */
export const judgeUsage = pgTable(
  "judge_usage",
  {
    projectId: uuid("project_id")
      .notNull()
      .references(() => projects.id, { onDelete: "cascade" }),
    evaluatorId: text("evaluator_id").notNull(),
    day: date("day", { mode: "string" }).notNull(),
    calls: integer("calls").notNull().default(0),
    promptTokens: bigint("prompt_tokens", { mode: "number" }).notNull().default(0),
    completionTokens: bigint("completion_tokens", { mode: "number" }).notNull().default(0),
    /** Estimated from token usage; calls whose model has no price add nothing here. */
    costUsd: doublePrecision("cost_usd").notNull().default(0),
    unpricedCalls: integer("unpriced_calls").notNull().default(0),
  },
  (t) => [primaryKey({ columns: [t.projectId, t.evaluatorId, t.day] })],
);

export type LlmConnectionRow = typeof llmConnections.$inferSelect;

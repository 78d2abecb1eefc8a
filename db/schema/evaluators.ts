import { sql } from "drizzle-orm";
import { doublePrecision, foreignKey, index, integer, jsonb, pgEnum, pgTable, primaryKey, text, timestamp, uniqueIndex, uuid } from "drizzle-orm/pg-core";
import { projects } from "./projects";
import { traceKeys } from "./trace-keys";

export const evaluatorKind = pgEnum("evaluator_kind", ["ngram", "semantic", "heuristic", "llm_judge"]);
export const evaluatorStatus = pgEnum("evaluator_status", ["enabled", "paused"]);

/** The traces an evaluator scores, in the monitors' terms (lib/monitors filters); empty: all. */
export type EvaluatorSegment = { models?: string[]; routes?: string[]; providers?: string[]; tags?: string[] };

/**
 * A project's evaluator: metrics of one kind (lib/evals/metrics) run on its
 * live traces by the evaluation job, each result an ordinary score
 * `<name>.<metric>` on the trace. `version` grows with every change of
 * settings; scores keep the version that wrote them (evaluator_versions).
 */
export const evaluators = pgTable(
  "evaluators",
  {
    projectId: uuid("project_id")
      .notNull()
      .references(() => projects.id, { onDelete: "cascade" }),
    id: uuid("id").notNull().defaultRandom(),
    name: text("name").notNull(),
    kind: evaluatorKind("kind").notNull(),
    /** Validated per kind (lib/evals/evaluator-settings.ts); defaults are applied at run time. */
    settings: jsonb("settings").$type<Record<string, unknown>>().notNull().default({}),
    version: integer("version").notNull().default(1),
    segment: jsonb("segment").$type<EvaluatorSegment>().notNull().default({}),
    sampleRate: doublePrecision("sample_rate").notNull().default(1),
    datasetId: uuid("dataset_id"),
    /** "Optimise now" below this mean (unit metrics), drawn on the Evaluations page. */
    threshold: doublePrecision("threshold"),
    status: evaluatorStatus("status").notNull().default("enabled"),
    pausedReason: text("paused_reason"),
    /** Set when the evaluator paused itself (a judge's daily cap): the evaluation job enables it again from then on. */
    pausedUntil: timestamp("paused_until", { withTimezone: true }),
    createdAt: timestamp("created_at", { withTimezone: true }).notNull().defaultNow(),
    updatedAt: timestamp("updated_at", { withTimezone: true }).notNull().defaultNow(),
  },
  (t) => [primaryKey({ columns: [t.projectId, t.id] }), uniqueIndex("evaluators_project_name_key").on(t.projectId, t.name)],
);

/** Every version's settings, as they were: what wrote a stored score. */
export const evaluatorVersions = pgTable(
  "evaluator_versions",
  {
    projectId: uuid("project_id").notNull(),
    evaluatorId: uuid("evaluator_id").notNull(),
    version: integer("version").notNull(),
    kind: evaluatorKind("kind").notNull(),
    settings: jsonb("settings").$type<Record<string, unknown>>().notNull(),
    datasetId: uuid("dataset_id"),
    createdAt: timestamp("created_at", { withTimezone: true }).notNull().defaultNow(),
  },
  (t) => [
    primaryKey({ columns: [t.projectId, t.evaluatorId, t.version] }),
    foreignKey({ columns: [t.projectId, t.evaluatorId], foreignColumns: [evaluators.projectId, evaluators.id] }).onDelete("cascade"),
  ],
);

/**
 * Traces waiting for an evaluator, like the embedding backlog: written in the
 * ingest transaction (or by a backfill), claimed with `FOR UPDATE SKIP
 * LOCKED` and a lease, deleted in the transaction that stores the scores.
 */
export const evalBacklog = pgTable(
  "eval_backlog",
  {
    projectId: uuid("project_id").notNull(),
    traceId: uuid("trace_id").notNull(),
    evaluatorId: uuid("evaluator_id").notNull(),
    attempts: integer("attempts").notNull().default(0),
    nextAttemptAt: timestamp("next_attempt_at", { withTimezone: true }).notNull().defaultNow(),
    lockedUntil: timestamp("locked_until", { withTimezone: true }),
    lastError: text("last_error"),
    /** An LLM judge's last unreadable answer (or error body), as received, for debugging; no score is made up from it. */
    lastAnswer: text("last_answer"),
    /** Set when the trace can never be evaluated (the reason is in last_error); not retried. */
    failedAt: timestamp("failed_at", { withTimezone: true }),
    createdAt: timestamp("created_at", { withTimezone: true }).notNull().defaultNow(),
  },
  (t) => [
    primaryKey({ columns: [t.projectId, t.traceId, t.evaluatorId] }),
    foreignKey({ columns: [t.projectId, t.traceId], foreignColumns: [traceKeys.projectId, traceKeys.id] }).onDelete("cascade"),
    foreignKey({ columns: [t.projectId, t.evaluatorId], foreignColumns: [evaluators.projectId, evaluators.id] }).onDelete("cascade"),
    index("eval_backlog_due_idx").on(t.nextAttemptAt).where(sql`failed_at is null`),
    index("eval_backlog_evaluator_idx").on(t.projectId, t.evaluatorId),
  ],
);

export type Evaluator = typeof evaluators.$inferSelect;

import { sql } from "drizzle-orm";
import { boolean, index, pgTable, primaryKey, text, timestamp, uniqueIndex, uuid } from "drizzle-orm/pg-core";
import { projects } from "./projects";

/**
 * One row per stored trace: the client's id (the idempotency key within the
 * project) and the trace's id and start. `traces` is partitioned by
 * `started_at` (migration 0019), and a partitioned table's unique keys must
 * include the partition column, so the client's id is kept unique here, across
 * every partition; ingest inserts the key first and writes the trace only when
 * the key is new (lib/services/traces/record-traces.ts). Scores, embeddings and
 * the backlogs reference this table, so their rows go when a trace's key goes.
 * `started_at` follows the trace's (a Langfuse update may move it) and lets
 * retention find the keys of the traces it removed.
 *
 * `eval_pending` marks a trace stored while its project had an enabled
 * evaluator and not yet queued for them: ingest only sets the flag (one entry
 * in a small partial index, in the same statement as the trace), and the
 * evaluation job turns flagged keys into `eval_backlog` rows for the
 * evaluators whose segment and sample take the trace (lib/jobs/eval-arrivals.ts),
 * clearing the flag in the same statement — so queueing costs ingest almost
 * nothing and no stored trace can miss its evaluations.
 */
export const traceKeys = pgTable(
  "trace_keys",
  {
    projectId: uuid("project_id")
      .notNull()
      .references(() => projects.id, { onDelete: "cascade" }),
    id: uuid("id").notNull().defaultRandom(),
    externalId: text("external_id").notNull(),
    startedAt: timestamp("started_at", { withTimezone: true }).notNull(),
    evalPending: boolean("eval_pending").notNull().default(false),
  },
  (t) => [
    primaryKey({ columns: [t.projectId, t.id] }),
    uniqueIndex("trace_keys_project_external_key").on(t.projectId, t.externalId),
    index("trace_keys_project_started_idx").on(t.projectId, t.startedAt),
    index("trace_keys_eval_pending_idx").on(t.projectId, t.startedAt).where(sql`eval_pending`),
  ],
);

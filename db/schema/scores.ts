import { doublePrecision, foreignKey, index, pgTable, primaryKey, text, timestamp, uuid } from "drizzle-orm/pg-core";
import { traces } from "./traces";

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
    createdAt: timestamp("created_at", { withTimezone: true }).notNull().defaultNow(),
  },
  (t) => [
    primaryKey({ columns: [t.projectId, t.traceId, t.name, t.source] }),
    foreignKey({ columns: [t.projectId, t.traceId], foreignColumns: [traces.projectId, traces.id] }).onDelete("cascade"),
    index("scores_project_name_idx").on(t.projectId, t.name),
  ],
);

export type Score = typeof scores.$inferSelect;

import { boolean, foreignKey, index, integer, pgEnum, pgTable, primaryKey, timestamp, uuid } from "drizzle-orm/pg-core";
import { anyVector } from "./columns";
import { embeddingModels } from "./embedding-models";
import { traceKeys } from "./trace-keys";

export const embeddedText = pgEnum("embedded_text", ["prompt", "response"]);

export const embeddings = pgTable(
  "embeddings",
  {
    projectId: uuid("project_id").notNull(),
    traceId: uuid("trace_id").notNull(),
    kind: embeddedText("kind").notNull(),
    modelId: integer("model_id")
      .notNull()
      .references(() => embeddingModels.id),
    embedding: anyVector("embedding").notNull(),
    /** The text was longer than the model's token window and was cut. */
    truncated: boolean("truncated").notNull().default(false),
    /** Copied from the trace so window queries need no join. */
    startedAt: timestamp("started_at", { withTimezone: true }).notNull(),
    createdAt: timestamp("created_at", { withTimezone: true }).notNull().defaultNow(),
  },
  (t) => [
    primaryKey({ columns: [t.projectId, t.traceId, t.kind, t.modelId] }),
    foreignKey({ columns: [t.projectId, t.traceId], foreignColumns: [traceKeys.projectId, traceKeys.id] }).onDelete("cascade"),
    index("embeddings_window_idx").on(t.projectId, t.modelId, t.kind, t.startedAt),
  ],
);

export type Embedding = typeof embeddings.$inferSelect;

import { integer, pgTable, serial, text, timestamp, uniqueIndex } from "drizzle-orm/pg-core";

/**
 * Every embedding model that has produced vectors. Vectors of two models are
 * never compared; each model has its own partial HNSW index (db/embedding-index.ts).
 */
export const embeddingModels = pgTable(
  "embedding_models",
  {
    id: serial("id").primaryKey(),
    name: text("name").notNull(),
    dimensions: integer("dimensions").notNull(),
    createdAt: timestamp("created_at", { withTimezone: true }).notNull().defaultNow(),
  },
  (t) => [uniqueIndex("embedding_models_name_key").on(t.name)],
);

export type EmbeddingModel = typeof embeddingModels.$inferSelect;

import { foreignKey, index, integer, jsonb, pgTable, primaryKey, text, timestamp, uniqueIndex, uuid } from "drizzle-orm/pg-core";
import { anyVector } from "./columns";
import { embeddingModels } from "./embedding-models";
import { projects } from "./projects";

/**
 * A golden set: questions with their expected answers. `version` grows with
 * every change of its items. Reference-based evaluators name one; a live
 * trace is matched to the item whose input is nearest its prompt.
 */
export const datasets = pgTable(
  "datasets",
  {
    projectId: uuid("project_id")
      .notNull()
      .references(() => projects.id, { onDelete: "cascade" }),
    id: uuid("id").notNull().defaultRandom(),
    name: text("name").notNull(),
    description: text("description"),
    version: integer("version").notNull().default(1),
    createdAt: timestamp("created_at", { withTimezone: true }).notNull().defaultNow(),
    updatedAt: timestamp("updated_at", { withTimezone: true }).notNull().defaultNow(),
  },
  (t) => [primaryKey({ columns: [t.projectId, t.id] }), uniqueIndex("datasets_project_name_key").on(t.projectId, t.name)],
);

export const datasetItems = pgTable(
  "dataset_items",
  {
    projectId: uuid("project_id").notNull(),
    datasetId: uuid("dataset_id").notNull(),
    id: uuid("id").notNull().defaultRandom(),
    input: text("input").notNull(),
    expectedOutput: text("expected_output").notNull(),
    metadata: jsonb("metadata").$type<Record<string, unknown>>().notNull().default({}),
    /** The input's vector with `embeddingModelId`, filled by the evaluation job before items are matched. */
    embedding: anyVector("embedding"),
    embeddingModelId: integer("embedding_model_id").references(() => embeddingModels.id),
    /** The dataset version that added this item. */
    version: integer("version").notNull(),
    createdAt: timestamp("created_at", { withTimezone: true }).notNull().defaultNow(),
  },
  (t) => [
    primaryKey({ columns: [t.projectId, t.id] }),
    foreignKey({ columns: [t.projectId, t.datasetId], foreignColumns: [datasets.projectId, datasets.id] }).onDelete("cascade"),
    index("dataset_items_dataset_idx").on(t.projectId, t.datasetId),
  ],
);

export type Dataset = typeof datasets.$inferSelect;
export type DatasetItem = typeof datasetItems.$inferSelect;

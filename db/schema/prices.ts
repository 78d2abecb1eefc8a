import { sql } from "drizzle-orm";
import { doublePrecision, index, integer, pgTable, primaryKey, text, timestamp, uniqueIndex, uuid } from "drizzle-orm/pg-core";
import { projects } from "./projects";

/**
 * A project's own price for a model the price table does not know (a private
 * or fine-tuned model) or prices differently for it, in USD per million
 * tokens. `provider` is '' for any provider. Applied to traces ingested after
 * it is set; older traces are re-priced on request (`price_repricings`).
 */
export const priceOverrides = pgTable(
  "price_overrides",
  {
    projectId: uuid("project_id")
      .notNull()
      .references(() => projects.id, { onDelete: "cascade" }),
    id: uuid("id").notNull().defaultRandom(),
    provider: text("provider").notNull().default(""),
    model: text("model").notNull(),
    inputPerMillion: doublePrecision("input_per_million").notNull(),
    outputPerMillion: doublePrecision("output_per_million").notNull(),
    /** null: cached input tokens are billed as ordinary input. */
    cachedInputPerMillion: doublePrecision("cached_input_per_million"),
    createdAt: timestamp("created_at", { withTimezone: true }).notNull().defaultNow(),
    updatedAt: timestamp("updated_at", { withTimezone: true }).notNull().defaultNow(),
  },
  (t) => [primaryKey({ columns: [t.projectId, t.id] }), uniqueIndex("price_overrides_project_model_key").on(t.projectId, t.provider, t.model)],
);

/**
 * A request to re-price a model's stored traces with today's overrides and
 * table. The reprice task locks it (`SKIP LOCKED`) and walks the traces in
 * (started_at, id) order from its cursor, a batch per transaction, so a crash
 * resumes where it left off and a rerun writes the same costs. One open
 * request per model.
 */
export const priceRepricings = pgTable(
  "price_repricings",
  {
    projectId: uuid("project_id")
      .notNull()
      .references(() => projects.id, { onDelete: "cascade" }),
    id: uuid("id").notNull().defaultRandom(),
    model: text("model").notNull(),
    requestedAt: timestamp("requested_at", { withTimezone: true }).notNull().defaultNow(),
    cursorStartedAt: timestamp("cursor_started_at", { withTimezone: true }),
    cursorId: uuid("cursor_id"),
    /** Traces looked at so far. */
    scanned: integer("scanned").notNull().default(0),
    finishedAt: timestamp("finished_at", { withTimezone: true }),
  },
  (t) => [
    primaryKey({ columns: [t.projectId, t.id] }),
    uniqueIndex("price_repricings_open_key").on(t.projectId, t.model).where(sql`finished_at is null`),
    index("price_repricings_due_idx").on(t.requestedAt).where(sql`finished_at is null`),
  ],
);

export type PriceOverrideRow = typeof priceOverrides.$inferSelect;
export type PriceRepricing = typeof priceRepricings.$inferSelect;

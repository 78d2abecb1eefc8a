import { sql } from "drizzle-orm";
import { boolean, index, pgTable, primaryKey, text, timestamp, uuid } from "drizzle-orm/pg-core";
import { projects } from "./projects";

/**
 * Every (provider, model, model version) a project's traces have named, with
 * the start of the first trace that named it. Ingest writes a row in the
 * traces' own transaction the first time a version appears (one row per
 * version, ever), which is the nudge that makes version-change detection
 * look at once instead of on its next scheduled pass. Empty strings stand
 * for "not given", as in `version_changes`.
 */
export const modelVersionsSeen = pgTable(
  "model_versions_seen",
  {
    projectId: uuid("project_id")
      .notNull()
      .references(() => projects.id, { onDelete: "cascade" }),
    provider: text("provider").notNull().default(""),
    model: text("model").notNull().default(""),
    modelVersion: text("model_version").notNull(),
    firstSeenAt: timestamp("first_seen_at", { withTimezone: true }).notNull(),
    recordedAt: timestamp("recorded_at", { withTimezone: true }).notNull().defaultNow(),
    /** When detection last looked at this version; null = not yet (due now). */
    checkedAt: timestamp("checked_at", { withTimezone: true }),
    /** Detection is done with it: the switch was recorded, or there is nothing to report (a new pair, an old version). */
    settled: boolean("settled").notNull().default(false),
  },
  (t) => [
    primaryKey({ columns: [t.projectId, t.provider, t.model, t.modelVersion] }),
    index("model_versions_seen_due_idx").on(t.checkedAt).where(sql`settled = false`),
  ],
);

export type ModelVersionSeen = typeof modelVersionsSeen.$inferSelect;

import { index, integer, jsonb, pgEnum, pgTable, primaryKey, text, timestamp, uniqueIndex, uuid } from "drizzle-orm/pg-core";
import { projects } from "./projects";

export const versionChangeStatus = pgEnum("version_change_status", ["pending", "regression", "improvement", "no_significant_change"]);

/**
 * A switch of the model version a provider answers with for one (provider,
 * model) pair, detected from `traces.model_version`. Empty strings stand for
 * "not given" so the key has no NULLs. The comparison of before and after is
 * filled in once enough traces exist on both sides.
 */
export const versionChanges = pgTable(
  "version_changes",
  {
    projectId: uuid("project_id")
      .notNull()
      .references(() => projects.id, { onDelete: "cascade" }),
    id: uuid("id").notNull().defaultRandom(),
    provider: text("provider").notNull().default(""),
    model: text("model").notNull().default(""),
    fromVersion: text("from_version").notNull(),
    toVersion: text("to_version").notNull(),
    /** Start time of the last trace answered by the old version before the switch. */
    lastSeenOldAt: timestamp("last_seen_old_at", { withTimezone: true }).notNull(),
    /** Start time of the first trace answered by the new version. */
    firstSeenNewAt: timestamp("first_seen_new_at", { withTimezone: true }).notNull(),
    detectedAt: timestamp("detected_at", { withTimezone: true }).notNull().defaultNow(),
    status: versionChangeStatus("status").notNull().default("pending"),
    beforeCount: integer("before_count").notNull().default(0),
    afterCount: integer("after_count").notNull().default(0),
    /** Per metric: before/after summaries, effect size with CI, test and p-value (lib/drift/compare-versions.ts). */
    comparison: jsonb("comparison").$type<Record<string, unknown>>(),
    comparedAt: timestamp("compared_at", { withTimezone: true }),
    /** Lease of the worker comparing it (claimed with FOR UPDATE SKIP LOCKED). */
    lockedUntil: timestamp("locked_until", { withTimezone: true }),
  },
  (t) => [
    primaryKey({ columns: [t.projectId, t.id] }),
    uniqueIndex("version_changes_switch_key").on(t.projectId, t.provider, t.model, t.firstSeenNewAt),
    index("version_changes_pending_idx").on(t.projectId, t.status),
  ],
);

export type VersionChange = typeof versionChanges.$inferSelect;
export type VersionChangeStatus = (typeof versionChangeStatus.enumValues)[number];

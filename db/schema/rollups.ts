import { bigint, bigserial, date, doublePrecision, index, integer, pgTable, primaryKey, text, timestamp, uuid } from "drizzle-orm/pg-core";
import { projects } from "./projects";

/**
 * Hourly aggregates per project / provider / model / route, so dashboards read
 * a few hundred rows instead of scanning millions of traces. Empty strings
 * stand for "not given" so the key has no NULLs. `latencyHistogram` counts
 * latencies in log-spaced buckets (lib/queries/latency-buckets.ts), from which
 * p50/p95 of any range of hours can be read.
 *
 * Rows are replaced, never incremented: the rollup job (lib/jobs/rollup.ts)
 * recomputes whole hours from the traces, so running it twice changes nothing.
 */
export const hourlyRollups = pgTable(
  "hourly_rollups",
  {
    projectId: uuid("project_id")
      .notNull()
      .references(() => projects.id, { onDelete: "cascade" }),
    hour: timestamp("hour", { withTimezone: true }).notNull(),
    provider: text("provider").notNull().default(""),
    model: text("model").notNull().default(""),
    route: text("route").notNull().default(""),
    requests: integer("requests").notNull().default(0),
    errors: integer("errors").notNull().default(0),
    refusals: integer("refusals").notNull().default(0),
    inputTokens: bigint("input_tokens", { mode: "number" }).notNull().default(0),
    outputTokens: bigint("output_tokens", { mode: "number" }).notNull().default(0),
    costUsd: doublePrecision("cost_usd").notNull().default(0),
    latencyMsSum: doublePrecision("latency_ms_sum").notNull().default(0),
    /** Traces with a latency (the histogram's total). */
    latencyCount: integer("latency_count").notNull().default(0),
    latencyHistogram: integer("latency_histogram").array().notNull(),
    updatedAt: timestamp("updated_at", { withTimezone: true }).notNull().defaultNow(),
  },
  (t) => [primaryKey({ columns: [t.projectId, t.hour, t.provider, t.model, t.route] })],
);

export type HourlyRollup = typeof hourlyRollups.$inferSelect;

/** Sum and count of each score name per hour and model/route (averages of any range are sum/count). */
export const hourlyScoreRollups = pgTable(
  "hourly_score_rollups",
  {
    projectId: uuid("project_id")
      .notNull()
      .references(() => projects.id, { onDelete: "cascade" }),
    hour: timestamp("hour", { withTimezone: true }).notNull(),
    provider: text("provider").notNull().default(""),
    model: text("model").notNull().default(""),
    route: text("route").notNull().default(""),
    name: text("name").notNull(),
    count: integer("count").notNull(),
    sum: doublePrecision("sum").notNull(),
  },
  (t) => [primaryKey({ columns: [t.projectId, t.hour, t.provider, t.model, t.route, t.name] })],
);

/** Per tag per hour (a trace with two tags counts under both). */
export const hourlyTagRollups = pgTable(
  "hourly_tag_rollups",
  {
    projectId: uuid("project_id")
      .notNull()
      .references(() => projects.id, { onDelete: "cascade" }),
    hour: timestamp("hour", { withTimezone: true }).notNull(),
    tag: text("tag").notNull(),
    requests: integer("requests").notNull(),
    errors: integer("errors").notNull(),
    refusals: integer("refusals").notNull(),
    costUsd: doublePrecision("cost_usd").notNull(),
    latencyMsSum: doublePrecision("latency_ms_sum").notNull(),
    latencyCount: integer("latency_count").notNull(),
    latencyHistogram: integer("latency_histogram").array().notNull(),
  },
  (t) => [primaryKey({ columns: [t.projectId, t.hour, t.tag] })],
);

/**
 * Which UTC hours of a day each user was active in: `hours` is a 24-bit mask
 * (bit h = the hour starting at h:00 UTC). The rollup job replaces a claimed
 * hour's bit for every user of that day (set where the user has a trace in
 * it, cleared where no longer), so a re-rolled hour is exact. The overview
 * reads the partial days at the edges of a period from here: one row per user
 * of each edge day (lib/queries/overview.ts).
 */
export const activeUserHours = pgTable(
  "active_user_hours",
  {
    projectId: uuid("project_id")
      .notNull()
      .references(() => projects.id, { onDelete: "cascade" }),
    day: date("day", { mode: "string" }).notNull(),
    userId: text("user_id").notNull(),
    hours: integer("hours").notNull(),
  },
  (t) => [primaryKey({ columns: [t.projectId, t.day, t.userId] })],
);

/**
 * Which UTC days each user was active on, a bitmap per block of 64 days
 * (`block` = days since 1970-01-01 div 64, bit = the day's place in its
 * block). Bits are only ever set by the rollup job — a user stays counted for
 * a day once seen — and cleared by retention past the horizon. The whole days
 * of a period (at most two blocks for periods up to 65 days) are read from
 * here: one row per user and block instead of one per user and day.
 */
export const activeUserDays = pgTable(
  "active_user_days",
  {
    projectId: uuid("project_id")
      .notNull()
      .references(() => projects.id, { onDelete: "cascade" }),
    block: integer("block").notNull(),
    userId: text("user_id").notNull(),
    days: bigint("days", { mode: "bigint" }).notNull(),
  },
  (t) => [primaryKey({ columns: [t.projectId, t.block, t.userId] })],
);

/**
 * Hours whose traces or scores changed since the rollup job last ran. Filled
 * by statement-level triggers on traces and scores (migration
 * `rollup_triggers`) — append-only, one row per statement and hour, so
 * concurrent ingest never waits on a shared row. A row becomes visible in the
 * same commit as the traces that caused it, so when the job claims it (with
 * `FOR UPDATE SKIP LOCKED`) those traces are visible to its recomputation.
 */
export const rollupDirtyHours = pgTable(
  "rollup_dirty_hours",
  {
    projectId: uuid("project_id").notNull(),
    id: bigserial("id", { mode: "number" }).notNull(),
    hour: timestamp("hour", { withTimezone: true }).notNull(),
    markedAt: timestamp("marked_at", { withTimezone: true }).notNull().defaultNow(),
  },
  // project_id first like every project-owned key (ARCHITECTURE.md); the job claims oldest marks first by id.
  (t) => [primaryKey({ columns: [t.projectId, t.id] }), index("rollup_dirty_hours_id_idx").on(t.id)],
);

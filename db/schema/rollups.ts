import { bigint, doublePrecision, integer, pgTable, primaryKey, text, timestamp, uuid } from "drizzle-orm/pg-core";
import { projects } from "./projects";

/**
 * Hourly aggregates per project / provider / model / route, so dashboards read
 * a few hundred rows instead of scanning millions of traces. Empty strings
 * stand for "not given" so the key has no NULLs. `latencyHistogram` counts
 * latencies in log-spaced buckets (lib/rollup-buckets.ts), from which p50/p95
 * of any range of hours can be read.
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
    latencyHistogram: integer("latency_histogram").array().notNull(),
    updatedAt: timestamp("updated_at", { withTimezone: true }).notNull().defaultNow(),
  },
  (t) => [primaryKey({ columns: [t.projectId, t.hour, t.provider, t.model, t.route] })],
);

export type HourlyRollup = typeof hourlyRollups.$inferSelect;

import { doublePrecision, foreignKey, integer, jsonb, pgEnum, pgTable, primaryKey, timestamp, uniqueIndex, uuid } from "drizzle-orm/pg-core";
import { monitors } from "./monitors";

export const monitorVerdict = pgEnum("monitor_verdict", ["ok", "drift", "insufficient_data"]);

/**
 * One point of a monitor's time series: the evaluation of one current window
 * against its reference. The key includes the window, so a rerun for a window
 * that already has a result inserts nothing (`on conflict do nothing`), and a
 * result is written in one transaction with its alert transition.
 */
export const monitorResults = pgTable(
  "monitor_results",
  {
    projectId: uuid("project_id").notNull(),
    monitorId: uuid("monitor_id").notNull(),
    windowStart: timestamp("window_start", { withTimezone: true }).notNull(),
    windowEnd: timestamp("window_end", { withTimezone: true }).notNull(),
    id: uuid("id").notNull().defaultRandom(),
    referenceStart: timestamp("reference_start", { withTimezone: true }).notNull(),
    referenceEnd: timestamp("reference_end", { withTimezone: true }).notNull(),
    /** Rows used on each side (after subsampling), and rows available before it. */
    sampleSizes: jsonb("sample_sizes").$type<{ reference: number; current: number; referenceAvailable?: number; currentAvailable?: number }>().notNull(),
    /** Every statistic of the evaluation, kind-specific (docs/monitors.md). */
    statistics: jsonb("statistics").$type<Record<string, unknown>>().notNull(),
    /** The p-value the verdict rests on (null when the kind has none, e.g. a plain threshold). */
    pValue: doublePrecision("p_value"),
    /** The headline statistic compared with `threshold`. */
    score: doublePrecision("score"),
    threshold: doublePrecision("threshold"),
    verdict: monitorVerdict("verdict").notNull(),
    /** Chart data: projection samples with trace ids, topic mix, emerging topics with examples, … */
    artefacts: jsonb("artefacts").$type<Record<string, unknown>>().notNull(),
    durationMs: integer("duration_ms").notNull(),
    computedAt: timestamp("computed_at", { withTimezone: true }).notNull().defaultNow(),
  },
  (t) => [
    primaryKey({ columns: [t.projectId, t.monitorId, t.windowStart, t.windowEnd] }),
    uniqueIndex("monitor_results_id_key").on(t.projectId, t.id),
    foreignKey({ columns: [t.projectId, t.monitorId], foreignColumns: [monitors.projectId, monitors.id] }).onDelete("cascade"),
  ],
);

export type MonitorResult = typeof monitorResults.$inferSelect;
export type MonitorVerdict = (typeof monitorVerdict.enumValues)[number];

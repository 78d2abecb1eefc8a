import { integer, pgTable, text, timestamp, uuid, uniqueIndex } from "drizzle-orm/pg-core";

export const projects = pgTable(
  "projects",
  {
    id: uuid("id").primaryKey().defaultRandom(),
    slug: text("slug").notNull(),
    name: text("name").notNull(),
    /**
     * Which PII kinds are replaced by placeholders before traces are stored:
     * "default" (all kinds), "off", or a comma list (lib/ingest/redact.ts).
     */
    redaction: text("redaction").notNull().default("default"),
    /** Traces older than this many days are deleted by the retention task; null keeps everything. */
    retentionDays: integer("retention_days"),
    createdAt: timestamp("created_at", { withTimezone: true }).notNull().defaultNow(),
  },
  (t) => [uniqueIndex("projects_slug_key").on(t.slug)],
);

export type Project = typeof projects.$inferSelect;

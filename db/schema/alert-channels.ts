import { boolean, pgEnum, pgTable, primaryKey, text, timestamp, uuid } from "drizzle-orm/pg-core";
import { projects } from "./projects";

/** webhook: JSON signed with HMAC-SHA256 (docs/monitors.md); slack: a Slack-compatible incoming webhook. */
export const alertChannelKind = pgEnum("alert_channel_kind", ["webhook", "slack"]);

export const alertChannels = pgTable(
  "alert_channels",
  {
    projectId: uuid("project_id")
      .notNull()
      .references(() => projects.id, { onDelete: "cascade" }),
    id: uuid("id").notNull().defaultRandom(),
    name: text("name").notNull(),
    kind: alertChannelKind("kind").notNull(),
    url: text("url").notNull(),
    /** HMAC key of generic webhooks (shown once at creation); null for Slack. */
    secret: text("secret"),
    enabled: boolean("enabled").notNull().default(true),
    createdAt: timestamp("created_at", { withTimezone: true }).notNull().defaultNow(),
  },
  (t) => [primaryKey({ columns: [t.projectId, t.id] })],
);

export type AlertChannel = typeof alertChannels.$inferSelect;

import { index, pgTable, primaryKey, text, timestamp, uniqueIndex, uuid } from "drizzle-orm/pg-core";
import { projects } from "./projects";

/**
 * Project API keys. Only a SHA-256 digest of the key is stored; `hint` keeps
 * its last characters (`dl_…x7Qz`) so people can tell keys apart in lists.
 */
export const apiKeys = pgTable(
  "api_keys",
  {
    projectId: uuid("project_id")
      .notNull()
      .references(() => projects.id, { onDelete: "cascade" }),
    id: uuid("id").notNull().defaultRandom(),
    name: text("name").notNull(),
    keyHash: text("key_hash").notNull(),
    hint: text("hint").notNull(),
    createdAt: timestamp("created_at", { withTimezone: true }).notNull().defaultNow(),
    lastUsedAt: timestamp("last_used_at", { withTimezone: true }),
    revokedAt: timestamp("revoked_at", { withTimezone: true }),
  },
  (t) => [
    primaryKey({ columns: [t.projectId, t.id] }),
    uniqueIndex("api_keys_project_hash_key").on(t.projectId, t.keyHash),
    // Authentication looks a key up by its digest alone.
    index("api_keys_hash_idx").on(t.keyHash),
  ],
);

export type ApiKey = typeof apiKeys.$inferSelect;

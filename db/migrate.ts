import path from "node:path";
import { migrate as migrateNodePg } from "drizzle-orm/node-postgres/migrator";
import type { NodePgDatabase } from "drizzle-orm/node-postgres";
import { migrate as migratePglite } from "drizzle-orm/pglite/migrator";
import type { PgliteDatabase } from "drizzle-orm/pglite";
import pg from "pg";
import type { DatabaseHandle, Schema } from "./client";

export function migrationsFolder(): string {
  return process.env.DRIFTLINE_MIGRATIONS_DIR ?? path.resolve(process.cwd(), "db/migrations");
}

// Any constant works; it only has to be the same for every Driftline process.
const MIGRATION_LOCK_KEY = 7_203_114_001;

/**
 * Applies the committed migrations. On PostgreSQL an advisory lock makes
 * several web or worker processes starting at once apply them exactly once.
 *
 * The lock is session-level, so it is taken on `directUrl` (a connection
 * straight to PostgreSQL, `DATABASE_MIGRATION_URL`) when the app's own URL
 * goes through a transaction-pooling PgBouncer: there a session lock would
 * stay on whichever server connection ran it, never released.
 */
export async function runMigrations(handle: DatabaseHandle, directUrl = process.env.DATABASE_MIGRATION_URL?.trim() || undefined): Promise<void> {
  const config = { migrationsFolder: migrationsFolder() };
  if (handle.driver === "pglite") {
    await migratePglite(handle.db as unknown as PgliteDatabase<Schema>, config);
    return;
  }
  // Session-level lock: it must be taken and released on one connection.
  const lockClient = new pg.Client({ connectionString: directUrl ?? handle.url });
  await lockClient.connect();
  try {
    await lockClient.query("select pg_advisory_lock($1)", [MIGRATION_LOCK_KEY]);
    await migrateNodePg(handle.db as unknown as NodePgDatabase<Schema>, config);
  } finally {
    await lockClient.end();
  }
}

export async function appliedMigrationCount(handle: DatabaseHandle): Promise<number> {
  const rows = await handle.query<{ count: number | string }>(
    "select count(*)::int as count from drizzle.__drizzle_migrations",
  );
  return Number(rows[0]?.count ?? 0);
}

export async function pgvectorVersion(handle: DatabaseHandle): Promise<string | null> {
  const rows = await handle.query<{ extversion: string }>(
    "select extversion from pg_extension where extname = 'vector'",
  );
  return rows[0]?.extversion ?? null;
}

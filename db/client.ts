import path from "node:path";
import { PGlite } from "@electric-sql/pglite";
import { vector } from "@electric-sql/pglite-pgvector";
import { sql } from "drizzle-orm";
import { drizzle as drizzleNodePg } from "drizzle-orm/node-postgres";
import type { PgDatabase, PgQueryResultHKT } from "drizzle-orm/pg-core";
import { drizzle as drizzlePglite } from "drizzle-orm/pglite";
import pg from "pg";
import * as schema from "./schema";

export type Schema = typeof schema;
/** The one database type every query and service takes, whichever driver is behind it. */
export type Database = PgDatabase<PgQueryResultHKT, Schema>;
export type DatabaseDriver = "pglite" | "postgres";

export type DatabaseHandle = {
  db: Database;
  driver: DatabaseDriver;
  /** The PostgreSQL URL (postgres driver only). */
  url?: string;
  /** Runs raw SQL with positional parameters and returns its rows (both drivers). */
  query<T = Record<string, unknown>>(text: string, params?: unknown[]): Promise<T[]>;
  close(): Promise<void>;
};

export type OpenDatabaseOptions = {
  /** A PostgreSQL URL; when absent, the embedded PGlite database is used. */
  url?: string;
  /** Where PGlite keeps its files; "memory://" for a throw-away database. */
  dataDir?: string;
  /** Pool size for PostgreSQL. */
  maxConnections?: number;
};

export function defaultDataDir(): string {
  return path.resolve(process.env.DRIFTLINE_DATA_DIR ?? ".data", "pglite");
}

export async function openDatabase(options: OpenDatabaseOptions = {}): Promise<DatabaseHandle> {
  if (options.url) {
    const pool = new pg.Pool({
      connectionString: options.url,
      max: options.maxConnections ?? 10,
      // Fail fast instead of hanging when the server is down.
      connectionTimeoutMillis: 5_000,
    });
    // An idle client losing its connection must not crash the process.
    pool.on("error", (err) => console.error("[driftline] idle PostgreSQL client error:", err.message));
    const db = drizzleNodePg(pool, { schema }) as unknown as Database;
    return {
      db,
      driver: "postgres",
      url: options.url,
      async query<T>(text: string, params: unknown[] = []) {
        const result = await pool.query(text, params);
        return result.rows as T[];
      },
      close: () => pool.end(),
    };
  }
  const dataDir = options.dataDir ?? defaultDataDir();
  const client = dataDir.startsWith("memory://")
    ? new PGlite({ extensions: { vector } })
    : new PGlite(dataDir, { extensions: { vector } });
  await client.waitReady;
  const db = drizzlePglite(client, { schema }) as unknown as Database;
  return {
    db,
    driver: "pglite",
    async query<T>(text: string, params: unknown[] = []) {
      const result = await client.query<T>(text, params);
      return result.rows;
    },
    close: () => client.close(),
  };
}

/** A cheap round trip, used by the health check. */
export async function ping(handle: DatabaseHandle): Promise<void> {
  await handle.db.execute(sql`select 1`);
}

import { randomBytes } from "node:crypto";
import pg from "pg";
import { openDatabase, type DatabaseHandle } from "@/db/client";
import { runMigrations } from "@/db/migrate";

/**
 * The databases every database test runs against: an in-memory PGlite always,
 * and the PostgreSQL server at TEST_DATABASE_URL when it is set (CI sets it).
 * Each opened target is a fresh, migrated database.
 */
export type DbTarget = { name: "pglite" | "postgres"; open(): Promise<DatabaseHandle & { dispose(): Promise<void> }> };

export function dbTargets(): DbTarget[] {
  const targets: DbTarget[] = [
    {
      name: "pglite",
      async open() {
        const handle = await openDatabase({ dataDir: "memory://" });
        await runMigrations(handle);
        return { ...handle, dispose: () => handle.close() };
      },
    },
  ];
  const url = process.env.TEST_DATABASE_URL;
  if (url) {
    targets.push({
      name: "postgres",
      async open() {
        const dbName = `driftline_test_${randomBytes(6).toString("hex")}`;
        const admin = new pg.Client({ connectionString: url });
        await admin.connect();
        await admin.query(`create database ${dbName}`);
        await admin.end();
        const dbUrl = new URL(url);
        dbUrl.pathname = `/${dbName}`;
        const handle = await openDatabase({ url: dbUrl.toString(), maxConnections: 4 });
        await runMigrations(handle);
        return {
          ...handle,
          async dispose() {
            await handle.close();
            const cleanup = new pg.Client({ connectionString: url });
            await cleanup.connect();
            await cleanup.query(`drop database if exists ${dbName} with (force)`);
            await cleanup.end();
          },
        };
      },
    });
  }
  return targets;
}

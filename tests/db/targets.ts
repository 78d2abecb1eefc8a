import { openDatabase, type DatabaseHandle } from "@/db/client";
import { runMigrations } from "@/db/migrate";
import { createScratchDatabase } from "../../testing/scratch-database";

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
        const scratch = await createScratchDatabase(url, "driftline_test");
        const handle = await openDatabase({ url: scratch.url, maxConnections: 4 });
        await runMigrations(handle);
        return {
          ...handle,
          async dispose() {
            await handle.close();
            await scratch.drop();
          },
        };
      },
    });
  }
  return targets;
}

import type { DatabaseHandle } from "@/db/client";
import { startDriftline } from "./startup";

type Global = typeof globalThis & { __driftlineDatabase?: Promise<DatabaseHandle> };
const store = globalThis as Global;

/**
 * The process-wide database, opened, migrated and bootstrapped once. Kept on
 * globalThis because Next.js loads route bundles as separate module graphs,
 * and the embedded database may be opened by only one of them.
 */
export function getDatabase(): Promise<DatabaseHandle> {
  store.__driftlineDatabase ??= startDriftline().catch((error: unknown) => {
    // Let the next request retry (e.g. PostgreSQL was still starting).
    store.__driftlineDatabase = undefined;
    throw error;
  });
  return store.__driftlineDatabase;
}

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

/**
 * A cookie set on the answer to a signed-in user's write (see withProject):
 * while it lives, that user's reads go to the primary, so a page opened
 * right after a save shows the save even when the replica has not replayed
 * it yet.
 */
export const FRESH_WRITE_COOKIE = "driftline-wrote";
/** How long reads stay on the primary after a write: well above a healthy replica's replay delay. */
export const FRESH_WRITE_SECONDS = 10;

/**
 * The database for reads that may lag behind the primary: the streaming
 * replica (`DATABASE_READ_URL`) when there is one, else the database itself.
 * For the dashboard's pages and GET routes and the read API's GET routes —
 * never for authentication, sessions or API keys (a revoked key must stop at
 * once), nor for anything that writes. `wroteRecently` (the fresh-write
 * cookie) keeps a user's reads on the primary just after their own write.
 */
export async function getReadDatabase(wroteRecently = false): Promise<DatabaseHandle> {
  const handle = await getDatabase();
  return handle.read && !wroteRecently ? handle.read : handle;
}

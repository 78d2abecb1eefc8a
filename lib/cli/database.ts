import { openDatabase, type DatabaseHandle } from "@/db/client";
import { runMigrations } from "@/db/migrate";
import { env } from "@/lib/env";

/** The database the CLI works on: the same rule as the server (DATABASE_URL, else the embedded one), migrated. */
export async function openCliDatabase(): Promise<DatabaseHandle> {
  const handle = await openDatabase({ url: env().DATABASE_URL, maxConnections: 4 });
  try {
    await runMigrations(handle);
  } catch (error) {
    await handle.close();
    throw error;
  }
  return handle;
}

import { ping, type DatabaseHandle } from "@/db/client";
import { appliedMigrationCount, pgvectorVersion } from "@/db/migrate";
import { getDatabase } from "@/lib/server/database";

export const dynamic = "force-dynamic";

/**
 * The embedded database runs one statement at a time in this process: a probe's own statements would wait
 * behind whatever query runs (a dashboard's, a job's), so there a statement that succeeded in the last
 * 2 s stands for the ping, and pgvector's version and the migration count — which only this process can
 * change, and only at start — are read once. PostgreSQL is asked every time.
 */
const RECENT_MS = 2_000;
const embeddedFacts = new WeakMap<DatabaseHandle, Promise<[string | null, number]>>();

async function facts(handle: DatabaseHandle): Promise<[string | null, number]> {
  if (handle.driver !== "pglite") return Promise.all([pgvectorVersion(handle), appliedMigrationCount(handle)]);
  let known = embeddedFacts.get(handle);
  if (!known) {
    known = Promise.all([pgvectorVersion(handle), appliedMigrationCount(handle)]);
    known.catch(() => embeddedFacts.delete(handle));
    embeddedFacts.set(handle, known);
  }
  return known;
}

export async function GET(): Promise<Response> {
  try {
    const handle = await getDatabase();
    const recent = handle.lastAnsweredAt && Date.now() - handle.lastAnsweredAt() < RECENT_MS;
    if (!recent) await ping(handle);
    const [pgvector, migrations] = await facts(handle);
    return Response.json({ status: "ok", database: handle.driver, pgvector, migrations });
  } catch (error) {
    const reason = error instanceof Error ? error.message : "database unavailable";
    return Response.json({ status: "unavailable", reason: `database: ${reason}` }, { status: 503 });
  }
}

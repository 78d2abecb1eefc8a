import { readFileSync } from "node:fs";
import path from "node:path";
import { ping } from "@/db/client";
import { appliedMigrationCount, migrationsFolder } from "@/db/migrate";
import { getDatabase } from "@/lib/server/database";

export const dynamic = "force-dynamic";

function committedMigrationCount(): number {
  const journal = JSON.parse(readFileSync(path.join(migrationsFolder(), "meta", "_journal.json"), "utf8")) as { entries: unknown[] };
  return journal.entries.length;
}

/**
 * Readiness for a load balancer or orchestrator: 200 once the database answers
 * and every committed migration is applied, 503 (JSON with the reason) before.
 * `/api/health` answers whether the process is alive and which database it uses.
 */
export async function GET(): Promise<Response> {
  try {
    const handle = await getDatabase();
    await ping(handle);
    const [applied, committed] = [await appliedMigrationCount(handle), committedMigrationCount()];
    if (applied < committed) {
      return Response.json({ status: "not-ready", reason: `migrations: ${applied} of ${committed} applied` }, { status: 503 });
    }
    return Response.json({ status: "ready", migrations: applied });
  } catch (error) {
    const reason = error instanceof Error ? error.message : "database unavailable";
    return Response.json({ status: "not-ready", reason: `database: ${reason}` }, { status: 503 });
  }
}

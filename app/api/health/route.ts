import { ping } from "@/db/client";
import { appliedMigrationCount, pgvectorVersion } from "@/db/migrate";
import { getDatabase } from "@/lib/server/database";

export const dynamic = "force-dynamic";

export async function GET(): Promise<Response> {
  try {
    const handle = await getDatabase();
    await ping(handle);
    const [pgvector, migrations] = await Promise.all([pgvectorVersion(handle), appliedMigrationCount(handle)]);
    return Response.json({ status: "ok", database: handle.driver, pgvector, migrations });
  } catch (error) {
    const reason = error instanceof Error ? error.message : "database unavailable";
    return Response.json({ status: "unavailable", reason: `database: ${reason}` }, { status: 503 });
  }
}

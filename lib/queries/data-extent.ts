import { sql } from "drizzle-orm";
import type { Database } from "@/db/client";
import type { Period } from "@/lib/period";

export type DataExtent = {
  /** Start time of the project's first and latest trace (null when it has none). */
  first: string | null;
  last: string | null;
  /** Whether any trace started inside the chosen period. */
  inPeriod: boolean;
};

/**
 * Where a project's traces are in time, and whether the chosen period holds
 * any — so a page whose period is empty can say where the data is. Three
 * lookups on the (project_id, started_at) index, not scans.
 */
export async function getDataExtent(db: Database, projectId: string, period: Period): Promise<DataExtent> {
  const result = await db.execute(sql`
    select (select min(started_at) from traces where project_id = ${projectId}) as first,
           (select max(started_at) from traces where project_id = ${projectId}) as last,
           exists (select 1 from traces where project_id = ${projectId}
                     and started_at >= ${period.from.toISOString()}::timestamptz and started_at < ${period.to.toISOString()}::timestamptz) as in_period`);
  const row = (result as unknown as { rows: Array<{ first: Date | string | null; last: Date | string | null; in_period: boolean }> }).rows[0];
  const iso = (v: Date | string | null | undefined) => (v ? new Date(v).toISOString() : null);
  return { first: iso(row?.first), last: iso(row?.last), inPeriod: Boolean(row?.in_period) };
}

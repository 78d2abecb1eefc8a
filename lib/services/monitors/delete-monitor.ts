import { and, eq, sql } from "drizzle-orm";
import { monitors } from "@/db/schema";
import { authorize, type ServiceContext } from "@/lib/services/context";
import { NotFoundError } from "@/lib/errors";

/** Deletes a monitor with its results and alerts (cascade); queued notifications of its alerts are dropped too. */
export async function deleteMonitor({ ctx, input }: { ctx: ServiceContext; input: { projectId: string; monitorId: string } }): Promise<void> {
  authorize(ctx.actor, "monitors.write");
  if (!/^[0-9a-f-]{36}$/i.test(input.monitorId)) throw new NotFoundError("Monitor");
  await ctx.db.transaction(async (tx) => {
    // Notifications still queued for its alerts go with it.
    await tx.execute(sql`delete from alert_deliveries d using alerts a
      where d.project_id = ${input.projectId} and a.project_id = d.project_id and a.id = d.alert_id
        and a.monitor_id = ${input.monitorId} and d.delivered_at is null`);
    const deleted = await tx
      .delete(monitors)
      .where(and(eq(monitors.projectId, input.projectId), eq(monitors.id, input.monitorId)))
      .returning({ id: monitors.id });
    if (deleted.length === 0) throw new NotFoundError("Monitor");
  });
}

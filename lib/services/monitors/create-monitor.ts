import { and, eq, inArray } from "drizzle-orm";
import type { z } from "zod";
import { alertChannels, monitors } from "@/db/schema";
import { nextCronTick, parseCron } from "@/lib/monitors/cron";
import { getMonitor, type MonitorView } from "@/lib/queries/monitors";
import { authorize, type RequestInput, type ServiceContext } from "@/lib/services/context";
import { ValidationError } from "@/lib/errors";
import { parseCreateMonitor, type CreateMonitorInput } from "./monitor-input";

/**
 * Creates a monitor. Its series over the data already stored is backfilled
 * by the monitor job (or `driftline monitors backfill`), which picks up a
 * monitor without `backfilled_at` on its next tick — a request never waits
 * for history to be computed.
 */
export async function createMonitor({ ctx, input }: { ctx: ServiceContext; input: z.input<typeof CreateMonitorInput> | RequestInput }): Promise<MonitorView> {
  authorize(ctx.actor, "monitors.write");
  const data = parseCreateMonitor(input);
  await assertChannels(ctx, data.projectId, data.channelIds);
  const now = new Date();
  const [row] = await ctx.db
    .insert(monitors)
    .values({
      projectId: data.projectId,
      name: data.name,
      kind: data.kind,
      segment: data.segment,
      reference: data.reference,
      windowSeconds: data.window,
      schedule: parseCron(data.schedule).source,
      thresholds: data.thresholds,
      paused: data.paused,
      channelIds: data.channelIds,
      nextRunAt: nextCronTick(parseCron(data.schedule), now),
    })
    .returning({ id: monitors.id });
  return (await getMonitor(ctx.db, data.projectId, row!.id))!;
}

export async function assertChannels(ctx: ServiceContext, projectId: string, channelIds: readonly string[]): Promise<void> {
  if (channelIds.length === 0) return;
  const found = await ctx.db
    .select({ id: alertChannels.id })
    .from(alertChannels)
    .where(and(eq(alertChannels.projectId, projectId), inArray(alertChannels.id, [...channelIds])));
  const known = new Set(found.map((c) => c.id));
  const missing = channelIds.map((id, i) => ({ id, i })).filter(({ id }) => !known.has(id));
  if (missing.length) throw new ValidationError(missing.map(({ i }) => ({ path: `channelIds.${i}`, message: "is not an alert channel of this project" })));
}

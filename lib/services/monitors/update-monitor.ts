import { and, eq } from "drizzle-orm";
import type { z } from "zod";
import { monitors } from "@/db/schema";
import { nextCronTick, parseCron } from "@/lib/monitors/cron";
import { getMonitor, type MonitorView } from "@/lib/queries/monitors";
import { authorize, type RequestInput, type ServiceContext } from "@/lib/services/context";
import { NotFoundError, ValidationError } from "@/lib/errors";
import { assertChannels } from "./create-monitor";
import { parseInput, thresholdIssues, UpdateMonitorInput } from "./monitor-input";

/**
 * Renames, pauses/resumes, reschedules a monitor or changes its settings.
 * Results already stored are kept as they were computed; a resumed monitor
 * catches up the windows it missed while paused. The kind, segment, window
 * and reference are fixed: a series means one definition.
 */
export async function updateMonitor({ ctx, input }: { ctx: ServiceContext; input: z.input<typeof UpdateMonitorInput> | RequestInput }): Promise<MonitorView> {
  authorize(ctx.actor, "monitors.write");
  const data = parseInput(UpdateMonitorInput, input);
  const where = and(eq(monitors.projectId, data.projectId), eq(monitors.id, data.monitorId));
  const [current] = await ctx.db.select().from(monitors).where(where);
  if (!current) throw new NotFoundError("Monitor");
  const patch: Partial<typeof monitors.$inferInsert> = { updatedAt: new Date() };
  if (data.name !== undefined) patch.name = data.name;
  if (data.paused !== undefined) patch.paused = data.paused;
  if (data.schedule !== undefined) {
    const schedule = parseCron(data.schedule);
    patch.schedule = schedule.source;
    patch.nextRunAt = nextCronTick(schedule, new Date());
  }
  if (data.thresholds !== undefined) {
    const merged: Record<string, unknown> = { ...current.thresholds };
    for (const [k, v] of Object.entries(data.thresholds)) {
      if (v === null) delete merged[k];
      else merged[k] = v;
    }
    const issues = thresholdIssues(current.kind, merged);
    if (issues.length) throw new ValidationError(issues.map((i) => ({ path: i.path.join("."), message: i.message })));
    patch.thresholds = merged;
  }
  if (data.channelIds !== undefined) {
    await assertChannels(ctx, data.projectId, data.channelIds);
    patch.channelIds = data.channelIds;
  }
  await ctx.db.update(monitors).set(patch).where(where);
  return (await getMonitor(ctx.db, data.projectId, data.monitorId))!;
}

import { getMonitor } from "@/lib/queries/monitors";
import { NotFoundError } from "@/lib/errors";
import { deleteMonitor } from "@/lib/services/monitors/delete-monitor";
import { updateMonitor } from "@/lib/services/monitors/update-monitor";
import { readJson, withProject } from "../../../_lib/with-project";

export const dynamic = "force-dynamic";

type Params = { project: string; monitorId: string };

export const GET = withProject<Params>(async (_request, ctx, params) => {
  const monitor = await getMonitor(ctx.db, ctx.access.project.id, params.monitorId);
  if (!monitor) throw new NotFoundError("Monitor");
  return Response.json(monitor);
});

/** Pause/resume, rename, reschedule or change settings (the service checks the role). */
export const PATCH = withProject<Params>(async (request, ctx, params) => {
  const body = await readJson(request);
  const { name, paused, schedule, thresholds, channelIds } = body;
  const monitor = await updateMonitor({
    ctx: ctx.service,
    input: { name, paused, schedule, thresholds, channelIds, projectId: ctx.access.project.id, monitorId: params.monitorId } as never,
  });
  return Response.json(monitor);
});

export const DELETE = withProject<Params>(async (_request, ctx, params) => {
  await deleteMonitor({ ctx: ctx.service, input: { projectId: ctx.access.project.id, monitorId: params.monitorId } });
  return new Response(null, { status: 204 });
});

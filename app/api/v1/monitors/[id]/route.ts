import { withApiKey } from "@/lib/http/api-key-route";
import { readJsonObject } from "@/lib/http/monitor-params";
import { getMonitor } from "@/lib/queries/monitors";
import { NotFoundError } from "@/lib/errors";
import { deleteMonitor } from "@/lib/services/monitors/delete-monitor";
import { updateMonitor } from "@/lib/services/monitors/update-monitor";

export const dynamic = "force-dynamic";

export const GET = withApiKey<{ id: string }>(async (_request, ctx, params) => {
  const monitor = await getMonitor(ctx.handle.db, ctx.projectId, params.id);
  if (!monitor) throw new NotFoundError("Monitor");
  return Response.json(monitor);
});

export const PATCH = withApiKey<{ id: string }>(async (request, ctx, params) => {
  const body = await readJsonObject(request);
  if (!(await getMonitor(ctx.handle.db, ctx.projectId, params.id))) throw new NotFoundError("Monitor");
  const monitor = await updateMonitor({
    ctx: { db: ctx.handle.db, actor: { kind: "operator" } },
    input: { ...body, projectId: ctx.projectId, monitorId: params.id } as never,
  });
  return Response.json(monitor);
});

export const DELETE = withApiKey<{ id: string }>(async (_request, ctx, params) => {
  await deleteMonitor({ ctx: { db: ctx.handle.db, actor: { kind: "operator" } }, input: { projectId: ctx.projectId, monitorId: params.id } });
  return new Response(null, { status: 204 });
});

import { withApiKey } from "@/lib/http/api-key-route";
import { readJsonObject } from "@/lib/http/monitor-params";
import { listMonitors } from "@/lib/queries/monitors";
import { createMonitor } from "@/lib/services/monitors/create-monitor";

export const dynamic = "force-dynamic";

// An API key is operator-level access to its own project.
export const GET = withApiKey(async (_request, ctx) => Response.json({ data: await listMonitors(ctx.handle.db, ctx.projectId) }));

export const POST = withApiKey(async (request, ctx) => {
  const body = await readJsonObject(request);
  const monitor = await createMonitor({ ctx: { db: ctx.handle.db, actor: { kind: "operator" } }, input: { ...body, projectId: ctx.projectId } as never });
  return Response.json(monitor, { status: 201, headers: { Location: `/api/v1/monitors/${monitor.id}` } });
});

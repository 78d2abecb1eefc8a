import { listMonitors } from "@/lib/queries/monitors";
import { createMonitor } from "@/lib/services/monitors/create-monitor";
import { readJson, withProject } from "../../_lib/with-project";

export const dynamic = "force-dynamic";

/** The project's monitors with their state and latest result. */
export const GET = withProject(async (_request, ctx) => Response.json({ data: await listMonitors(ctx.db, ctx.access.project.id) }));

/** Creates a monitor as the signed-in user (engineers and admins; 403 for viewers, 422 with field paths on bad input). */
export const POST = withProject(async (request, ctx) => {
  const body = await readJson(request);
  const monitor = await createMonitor({ ctx: ctx.service, input: { ...body, projectId: ctx.access.project.id } as never });
  return Response.json(monitor, { status: 201 });
});

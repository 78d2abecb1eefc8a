import { withApiKey } from "@/lib/http/api-key-route";
import { parseResultParams } from "@/lib/http/monitor-params";
import { getMonitor } from "@/lib/queries/monitors";
import { listMonitorResults } from "@/lib/queries/monitors-results";
import { NotFoundError } from "@/lib/errors";

export const dynamic = "force-dynamic";

/** `?from&to` (window end, ISO 8601), `limit` (latest N, default 500), `artefacts=0` to leave chart data out. */
export const GET = withApiKey<{ id: string }>(async (request, ctx, params) => {
  const filter = parseResultParams(new URL(request.url).searchParams);
  if (!(await getMonitor(ctx.handle.db, ctx.projectId, params.id))) throw new NotFoundError("Monitor");
  return Response.json({ data: await listMonitorResults(ctx.handle.db, ctx.projectId, params.id, filter) });
});

import { parseResultParams } from "@/lib/http/monitor-params";
import { getMonitor } from "@/lib/queries/monitors";
import { listMonitorResults } from "@/lib/queries/monitors-results";
import { NotFoundError } from "@/lib/errors";
import { withProject } from "../../../../_lib/with-project";

export const dynamic = "force-dynamic";

/** The monitor's series: `?from&to` (window end), `limit` (latest N), `artefacts=0` to leave chart data out. */
export const GET = withProject<{ project: string; monitorId: string }>(async (_request, ctx, params) => {
  const filter = parseResultParams(ctx.url.searchParams);
  if (!(await getMonitor(ctx.db, ctx.access.project.id, params.monitorId))) throw new NotFoundError("Monitor");
  return Response.json({ data: await listMonitorResults(ctx.db, ctx.access.project.id, params.monitorId, filter) });
});

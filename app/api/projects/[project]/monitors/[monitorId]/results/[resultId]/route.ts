import { getMonitorResult } from "@/lib/queries/monitors-results";
import { NotFoundError } from "@/lib/errors";
import { withProject } from "../../../../../_lib/with-project";

export const dynamic = "force-dynamic";

/** One window with its artefacts (projection, topics, emerging topics, comparisons). */
export const GET = withProject<{ project: string; monitorId: string; resultId: string }>(async (_request, ctx, params) => {
  const result = await getMonitorResult(ctx.db, ctx.access.project.id, params.resultId);
  if (!result || result.monitorId !== params.monitorId) throw new NotFoundError("Monitor result");
  return Response.json(result);
});

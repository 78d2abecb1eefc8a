import { withApiKey } from "@/lib/http/api-key-route";
import { parseAlertParams } from "@/lib/http/monitor-params";
import { listAlerts } from "@/lib/queries/monitors-alerts";

export const dynamic = "force-dynamic";

/** `?state=firing|resolved&monitorId&limit` */
export const GET = withApiKey(async (request, ctx) => {
  const filter = parseAlertParams(new URL(request.url).searchParams);
  return Response.json({ data: await listAlerts(ctx.handle.db, ctx.projectId, filter) });
});

import { withProject } from "@/lib/http/route-context";
import { getMonitorResultRoute } from "@/lib/http/monitor-routes";

export const dynamic = "force-dynamic";

export const GET = withProject<{ project: string; monitorId: string; resultId: string }>((request, ctx, params) => getMonitorResultRoute(request, ctx, params.monitorId, params.resultId));

import { withProject } from "@/lib/http/route-context";
import { listMonitorResultsRoute } from "@/lib/http/monitor-routes";

export const dynamic = "force-dynamic";

export const GET = withProject<{ project: string; monitorId: string }>((request, ctx, params) => listMonitorResultsRoute(request, ctx, params.monitorId));

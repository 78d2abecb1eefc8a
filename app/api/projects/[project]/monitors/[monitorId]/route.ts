import { withProject } from "@/lib/http/route-context";
import { deleteMonitorRoute, getMonitorRoute, updateMonitorRoute } from "@/lib/http/monitor-routes";

export const dynamic = "force-dynamic";

export const GET = withProject<{ project: string; monitorId: string }>((request, ctx, params) => getMonitorRoute(request, ctx, params.monitorId));
export const PATCH = withProject<{ project: string; monitorId: string }>((request, ctx, params) => updateMonitorRoute(request, ctx, params.monitorId));
export const DELETE = withProject<{ project: string; monitorId: string }>((request, ctx, params) => deleteMonitorRoute(request, ctx, params.monitorId));

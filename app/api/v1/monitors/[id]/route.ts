import { withApiKey } from "@/lib/http/route-context";
import { deleteMonitorRoute, getMonitorRoute, updateMonitorRoute } from "@/lib/http/monitor-routes";

export const dynamic = "force-dynamic";

export const GET = withApiKey<{ id: string }>((request, ctx, params) => getMonitorRoute(request, ctx, params.id));
export const PATCH = withApiKey<{ id: string }>((request, ctx, params) => updateMonitorRoute(request, ctx, params.id));
export const DELETE = withApiKey<{ id: string }>((request, ctx, params) => deleteMonitorRoute(request, ctx, params.id));

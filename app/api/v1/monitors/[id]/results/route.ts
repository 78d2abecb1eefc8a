import { withApiKey } from "@/lib/http/route-context";
import { listMonitorResultsRoute } from "@/lib/http/monitor-routes";

export const dynamic = "force-dynamic";

export const GET = withApiKey<{ id: string }>((request, ctx, params) => listMonitorResultsRoute(request, ctx, params.id));

import { withApiKey } from "@/lib/http/route-context";
import { createMonitorRoute, listMonitorsRoute } from "@/lib/http/monitor-routes";

export const dynamic = "force-dynamic";

export const GET = withApiKey(listMonitorsRoute);
export const POST = withApiKey(createMonitorRoute);

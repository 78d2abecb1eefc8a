import { withProject } from "@/lib/http/route-context";
import { createMonitorRoute, listMonitorsRoute } from "@/lib/http/monitor-routes";

export const dynamic = "force-dynamic";

export const GET = withProject(listMonitorsRoute);
export const POST = withProject(createMonitorRoute);

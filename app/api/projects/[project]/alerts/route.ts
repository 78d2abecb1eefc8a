import { withProject } from "@/lib/http/route-context";
import { listAlertsRoute } from "@/lib/http/monitor-routes";

export const dynamic = "force-dynamic";

export const GET = withProject(listAlertsRoute);

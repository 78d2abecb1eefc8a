import { withProject } from "@/lib/http/route-context";
import { openAlertsRoute } from "@/lib/http/monitor-routes";

export const dynamic = "force-dynamic";

export const GET = withProject(openAlertsRoute);

import { withProject } from "@/lib/http/route-context";
import { getVersionChangeRoute } from "@/lib/http/monitor-routes";

export const dynamic = "force-dynamic";

export const GET = withProject<{ project: string; id: string }>((request, ctx, params) => getVersionChangeRoute(request, ctx, params.id));

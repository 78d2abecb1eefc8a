import { withProject } from "@/lib/http/route-context";
import { evaluatorSeriesRoute } from "@/lib/http/evaluation-routes";

export const dynamic = "force-dynamic";

// Viewers read; engineers and admins write (the services check the role).
export const GET = withProject<{ project: string; evaluatorId: string }>((request, ctx, params) => evaluatorSeriesRoute(request, ctx, params.evaluatorId));

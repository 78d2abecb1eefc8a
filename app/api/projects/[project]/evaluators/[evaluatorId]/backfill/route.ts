import { withProject } from "@/lib/http/route-context";
import { backfillEvaluatorRoute } from "@/lib/http/evaluation-routes";

export const dynamic = "force-dynamic";

// Viewers read; engineers and admins write (the services check the role).
export const POST = withProject<{ project: string; evaluatorId: string }>((request, ctx, params) => backfillEvaluatorRoute(request, ctx, params.evaluatorId));

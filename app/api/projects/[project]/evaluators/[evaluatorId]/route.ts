import { withProject } from "@/lib/http/route-context";
import { deleteEvaluatorRoute, getEvaluatorRoute, updateEvaluatorRoute } from "@/lib/http/evaluation-routes";

export const dynamic = "force-dynamic";

// Viewers read; engineers and admins write (the services check the role).
export const GET = withProject<{ project: string; evaluatorId: string }>((request, ctx, params) => getEvaluatorRoute(request, ctx, params.evaluatorId));
export const PATCH = withProject<{ project: string; evaluatorId: string }>((request, ctx, params) => updateEvaluatorRoute(request, ctx, params.evaluatorId));
export const DELETE = withProject<{ project: string; evaluatorId: string }>((request, ctx, params) => deleteEvaluatorRoute(request, ctx, params.evaluatorId));

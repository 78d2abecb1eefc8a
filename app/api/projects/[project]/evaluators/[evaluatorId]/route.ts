import { session } from "@/lib/http/evaluation-context";
import { deleteEvaluatorRoute, getEvaluatorRoute, updateEvaluatorRoute } from "@/lib/http/evaluation-routes";
import { withProject } from "../../../_lib/with-project";

export const dynamic = "force-dynamic";

// Viewers read; engineers and admins write (the services check the role).
export const GET = withProject<{ project: string; evaluatorId: string }>((request, ctx, params) => getEvaluatorRoute(request, session(ctx), params.evaluatorId));
export const PATCH = withProject<{ project: string; evaluatorId: string }>((request, ctx, params) => updateEvaluatorRoute(request, session(ctx), params.evaluatorId));
export const DELETE = withProject<{ project: string; evaluatorId: string }>((request, ctx, params) => deleteEvaluatorRoute(request, session(ctx), params.evaluatorId));

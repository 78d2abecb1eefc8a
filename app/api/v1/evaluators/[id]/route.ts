import { withApiKey } from "@/lib/http/route-context";
import { deleteEvaluatorRoute, getEvaluatorRoute, updateEvaluatorRoute } from "@/lib/http/evaluation-routes";

export const dynamic = "force-dynamic";

// An API key is operator-level access to its own project (docs/evaluations.md, "API").
export const GET = withApiKey<{ id: string }>((request, ctx, params) => getEvaluatorRoute(request, ctx, params.id));
export const PATCH = withApiKey<{ id: string }>((request, ctx, params) => updateEvaluatorRoute(request, ctx, params.id));
export const DELETE = withApiKey<{ id: string }>((request, ctx, params) => deleteEvaluatorRoute(request, ctx, params.id));

import { withApiKey } from "@/lib/http/api-key-route";
import { deleteEvaluatorRoute, getEvaluatorRoute, updateEvaluatorRoute } from "@/lib/http/evaluation-routes";
import { v1 } from "@/lib/http/evaluation-context";

export const dynamic = "force-dynamic";

// An API key is operator-level access to its own project (docs/evaluations.md, "API").
export const GET = withApiKey<{ id: string }>((request, ctx, params) => getEvaluatorRoute(request, v1(ctx), params.id));
export const PATCH = withApiKey<{ id: string }>((request, ctx, params) => updateEvaluatorRoute(request, v1(ctx), params.id));
export const DELETE = withApiKey<{ id: string }>((request, ctx, params) => deleteEvaluatorRoute(request, v1(ctx), params.id));

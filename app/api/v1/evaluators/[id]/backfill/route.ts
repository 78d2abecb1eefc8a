import { withApiKey } from "@/lib/http/route-context";
import { backfillEvaluatorRoute } from "@/lib/http/evaluation-routes";

export const dynamic = "force-dynamic";

// An API key is operator-level access to its own project (docs/evaluations.md, "API").
export const POST = withApiKey<{ id: string }>((request, ctx, params) => backfillEvaluatorRoute(request, ctx, params.id));

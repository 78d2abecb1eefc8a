import { withApiKey } from "@/lib/http/api-key-route";
import { backfillEvaluatorRoute } from "@/lib/http/evaluation-routes";
import { v1 } from "@/lib/http/evaluation-context";

export const dynamic = "force-dynamic";

// An API key is operator-level access to its own project (docs/evaluations.md, "API").
export const POST = withApiKey<{ id: string }>((request, ctx, params) => backfillEvaluatorRoute(request, v1(ctx), params.id));

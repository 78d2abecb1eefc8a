import { withApiKey } from "@/lib/http/api-key-route";
import { createEvaluatorRoute, listEvaluatorsRoute } from "@/lib/http/evaluation-routes";
import { v1 } from "@/lib/http/evaluation-context";

export const dynamic = "force-dynamic";

// An API key is operator-level access to its own project (docs/evaluations.md, "API").
export const GET = withApiKey((request, ctx) => listEvaluatorsRoute(request, v1(ctx)));
export const POST = withApiKey((request, ctx) => createEvaluatorRoute(request, v1(ctx)));

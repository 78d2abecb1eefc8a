import { withApiKey } from "@/lib/http/route-context";
import { createEvaluatorRoute, listEvaluatorsRoute } from "@/lib/http/evaluation-routes";

export const dynamic = "force-dynamic";

// An API key is operator-level access to its own project (docs/evaluations.md, "API").
export const GET = withApiKey(listEvaluatorsRoute);
export const POST = withApiKey(createEvaluatorRoute);

import { withApiKey } from "@/lib/http/route-context";
import { evaluatorSeriesRoute } from "@/lib/http/evaluation-routes";

export const dynamic = "force-dynamic";

// An API key is operator-level access to its own project (docs/evaluations.md, "API").
export const GET = withApiKey<{ id: string }>((request, ctx, params) => evaluatorSeriesRoute(request, ctx, params.id));

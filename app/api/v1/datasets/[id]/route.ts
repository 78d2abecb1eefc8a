import { withApiKey } from "@/lib/http/route-context";
import { deleteDatasetRoute, getDatasetRoute } from "@/lib/http/evaluation-routes";

export const dynamic = "force-dynamic";

// An API key is operator-level access to its own project (docs/evaluations.md, "API").
export const GET = withApiKey<{ id: string }>((request, ctx, params) => getDatasetRoute(request, ctx, params.id));
export const DELETE = withApiKey<{ id: string }>((request, ctx, params) => deleteDatasetRoute(request, ctx, params.id));

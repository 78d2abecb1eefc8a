import { withApiKey } from "@/lib/http/api-key-route";
import { deleteDatasetRoute, getDatasetRoute } from "@/lib/http/evaluation-routes";
import { v1 } from "@/lib/http/evaluation-context";

export const dynamic = "force-dynamic";

// An API key is operator-level access to its own project (docs/evaluations.md, "API").
export const GET = withApiKey<{ id: string }>((request, ctx, params) => getDatasetRoute(request, v1(ctx), params.id));
export const DELETE = withApiKey<{ id: string }>((request, ctx, params) => deleteDatasetRoute(request, v1(ctx), params.id));

import { withApiKey } from "@/lib/http/route-context";
import { addDatasetItemsRoute, listDatasetItemsRoute } from "@/lib/http/evaluation-routes";

export const dynamic = "force-dynamic";

// An API key is operator-level access to its own project (docs/evaluations.md, "API").
export const GET = withApiKey<{ id: string }>((request, ctx, params) => listDatasetItemsRoute(request, ctx, params.id));
export const POST = withApiKey<{ id: string }>((request, ctx, params) => addDatasetItemsRoute(request, ctx, params.id));

import { withApiKey } from "@/lib/http/api-key-route";
import { createDatasetRoute, listDatasetsRoute } from "@/lib/http/evaluation-routes";
import { v1 } from "@/lib/http/evaluation-context";

export const dynamic = "force-dynamic";

// An API key is operator-level access to its own project (docs/evaluations.md, "API").
export const GET = withApiKey((request, ctx) => listDatasetsRoute(request, v1(ctx)));
export const POST = withApiKey((request, ctx) => createDatasetRoute(request, v1(ctx)));

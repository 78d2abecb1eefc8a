import { withProject } from "@/lib/http/route-context";
import { addDatasetItemsRoute, listDatasetItemsRoute } from "@/lib/http/evaluation-routes";

export const dynamic = "force-dynamic";

// Viewers read; engineers and admins write (the services check the role).
export const GET = withProject<{ project: string; datasetId: string }>((request, ctx, params) => listDatasetItemsRoute(request, ctx, params.datasetId));
export const POST = withProject<{ project: string; datasetId: string }>((request, ctx, params) => addDatasetItemsRoute(request, ctx, params.datasetId));

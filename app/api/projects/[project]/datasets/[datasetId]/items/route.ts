import { session } from "@/lib/http/evaluation-context";
import { addDatasetItemsRoute, listDatasetItemsRoute } from "@/lib/http/evaluation-routes";
import { withProject } from "../../../../_lib/with-project";

export const dynamic = "force-dynamic";

// Viewers read; engineers and admins write (the services check the role).
export const GET = withProject<{ project: string; datasetId: string }>((request, ctx, params) => listDatasetItemsRoute(request, session(ctx), params.datasetId));
export const POST = withProject<{ project: string; datasetId: string }>((request, ctx, params) => addDatasetItemsRoute(request, session(ctx), params.datasetId));

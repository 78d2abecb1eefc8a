import { withProject } from "@/lib/http/route-context";
import { deleteDatasetRoute, getDatasetRoute } from "@/lib/http/evaluation-routes";

export const dynamic = "force-dynamic";

// Viewers read; engineers and admins write (the services check the role).
export const GET = withProject<{ project: string; datasetId: string }>((request, ctx, params) => getDatasetRoute(request, ctx, params.datasetId));
export const DELETE = withProject<{ project: string; datasetId: string }>((request, ctx, params) => deleteDatasetRoute(request, ctx, params.datasetId));

import { session } from "@/lib/http/evaluation-context";
import { deleteDatasetRoute, getDatasetRoute } from "@/lib/http/evaluation-routes";
import { withProject } from "../../../_lib/with-project";

export const dynamic = "force-dynamic";

// Viewers read; engineers and admins write (the services check the role).
export const GET = withProject<{ project: string; datasetId: string }>((request, ctx, params) => getDatasetRoute(request, session(ctx), params.datasetId));
export const DELETE = withProject<{ project: string; datasetId: string }>((request, ctx, params) => deleteDatasetRoute(request, session(ctx), params.datasetId));

import { session } from "@/lib/http/evaluation-context";
import { evaluatorSeriesRoute } from "@/lib/http/evaluation-routes";
import { withProject } from "../../../../_lib/with-project";

export const dynamic = "force-dynamic";

// Viewers read; engineers and admins write (the services check the role).
export const GET = withProject<{ project: string; evaluatorId: string }>((request, ctx, params) => evaluatorSeriesRoute(request, session(ctx), params.evaluatorId));

import { session } from "@/lib/http/evaluation-context";
import { backfillEvaluatorRoute } from "@/lib/http/evaluation-routes";
import { withProject } from "../../../../_lib/with-project";

export const dynamic = "force-dynamic";

// Viewers read; engineers and admins write (the services check the role).
export const POST = withProject<{ project: string; evaluatorId: string }>((request, ctx, params) => backfillEvaluatorRoute(request, session(ctx), params.evaluatorId));

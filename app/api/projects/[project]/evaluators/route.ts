import { session } from "@/lib/http/evaluation-context";
import { createEvaluatorRoute, listEvaluatorsRoute } from "@/lib/http/evaluation-routes";
import { withProject } from "../../_lib/with-project";

export const dynamic = "force-dynamic";

// Viewers read; engineers and admins write (the services check the role).
export const GET = withProject((request, ctx) => listEvaluatorsRoute(request, session(ctx)));
export const POST = withProject((request, ctx) => createEvaluatorRoute(request, session(ctx)));

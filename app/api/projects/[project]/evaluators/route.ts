import { withProject } from "@/lib/http/route-context";
import { createEvaluatorRoute, listEvaluatorsRoute } from "@/lib/http/evaluation-routes";

export const dynamic = "force-dynamic";

// Viewers read; engineers and admins write (the services check the role).
export const GET = withProject(listEvaluatorsRoute);
export const POST = withProject(createEvaluatorRoute);

import { withApiKey } from "@/lib/http/route-context";
import { similarTracesRoute } from "@/lib/http/trace-routes";

export const dynamic = "force-dynamic";

export const GET = withApiKey<{ id: string }>((request, ctx, params) => similarTracesRoute(request, ctx, params.id));

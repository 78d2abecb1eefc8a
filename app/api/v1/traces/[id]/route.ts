import { withApiKey } from "@/lib/http/route-context";
import { getTraceRoute } from "@/lib/http/trace-routes";

export const dynamic = "force-dynamic";

export const GET = withApiKey<{ id: string }>((request, ctx, params) => getTraceRoute(request, ctx, params.id));

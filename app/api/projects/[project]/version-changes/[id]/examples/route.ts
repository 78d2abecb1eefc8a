import { withProject } from "@/lib/http/route-context";
import { versionChangeExamplesRoute } from "@/lib/http/monitor-routes";

export const dynamic = "force-dynamic";

export const GET = withProject<{ project: string; id: string }>((request, ctx, params) => versionChangeExamplesRoute(request, ctx, params.id));

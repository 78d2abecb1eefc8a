import { createConnection, listConnections, type LlmConnectionScope } from "@/lib/http/llm-connection-routes";
import { withProject, type ProjectRouteContext } from "../../_lib/with-project";

export const dynamic = "force-dynamic";

const scope = (ctx: ProjectRouteContext, project: string): LlmConnectionScope => ({
  ctx: ctx.service,
  projectId: ctx.access.project.id,
  collectionPath: `/api/projects/${encodeURIComponent(project)}/llm-connections`,
});

export const GET = withProject(async (_request, ctx, params) => listConnections(scope(ctx, params.project)));
export const POST = withProject(async (request, ctx, params) => createConnection(request, scope(ctx, params.project)));

import { deleteConnection, getConnection, updateConnection, type LlmConnectionScope } from "@/lib/http/llm-connection-routes";
import { withProject, type ProjectRouteContext } from "../../../_lib/with-project";

export const dynamic = "force-dynamic";

type Params = { project: string; id: string };
const scope = (ctx: ProjectRouteContext, project: string): LlmConnectionScope => ({
  ctx: ctx.service,
  projectId: ctx.access.project.id,
  collectionPath: `/api/projects/${encodeURIComponent(project)}/llm-connections`,
});

export const GET = withProject<Params>(async (_request, ctx, params) => getConnection(scope(ctx, params.project), params.id));
export const PATCH = withProject<Params>(async (request, ctx, params) => updateConnection(request, scope(ctx, params.project), params.id));
export const DELETE = withProject<Params>(async (_request, ctx, params) => deleteConnection(scope(ctx, params.project), params.id));

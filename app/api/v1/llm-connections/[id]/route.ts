import { withApiKey, type ApiKeyContext } from "@/lib/http/api-key-route";
import { deleteConnection, getConnection, updateConnection, type LlmConnectionScope } from "@/lib/http/llm-connection-routes";

export const dynamic = "force-dynamic";

const scope = (ctx: ApiKeyContext): LlmConnectionScope => ({
  ctx: { db: ctx.handle.db, actor: { kind: "operator" } },
  projectId: ctx.projectId,
  collectionPath: "/api/v1/llm-connections",
});

export const GET = withApiKey<{ id: string }>(async (_request, ctx, params) => getConnection(scope(ctx), params.id));
export const PATCH = withApiKey<{ id: string }>(async (request, ctx, params) => updateConnection(request, scope(ctx), params.id));
export const DELETE = withApiKey<{ id: string }>(async (_request, ctx, params) => deleteConnection(scope(ctx), params.id));

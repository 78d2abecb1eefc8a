import { withApiKey, type ApiKeyContext } from "@/lib/http/api-key-route";
import { createConnection, listConnections, type LlmConnectionScope } from "@/lib/http/llm-connection-routes";

export const dynamic = "force-dynamic";

// An API key is operator-level access to its own project.
const scope = (ctx: ApiKeyContext): LlmConnectionScope => ({
  ctx: { db: ctx.handle.db, actor: { kind: "operator" } },
  projectId: ctx.projectId,
  collectionPath: "/api/v1/llm-connections",
});

export const GET = withApiKey(async (_request, ctx) => listConnections(scope(ctx)));
export const POST = withApiKey(async (request, ctx) => createConnection(request, scope(ctx)));

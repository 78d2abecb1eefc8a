import { withApiKey } from "@/lib/http/api-key-route";
import { testConnection } from "@/lib/http/llm-connection-routes";

export const dynamic = "force-dynamic";

export const POST = withApiKey<{ id: string }>(async (_request, ctx, params) =>
  testConnection({ ctx: { db: ctx.handle.db, actor: { kind: "operator" } }, projectId: ctx.projectId, collectionPath: "/api/v1/llm-connections" }, params.id),
);

import { withApiKey } from "@/lib/http/api-key-route";
import { deletePriceOverride } from "@/lib/services/prices/price-overrides";

export const dynamic = "force-dynamic";

export const DELETE = withApiKey<{ id: string }>(async (_request, ctx, params) => {
  await deletePriceOverride({ ctx: { db: ctx.handle.db, actor: { kind: "operator" } }, input: { projectId: ctx.projectId, id: params.id } });
  return new Response(null, { status: 204 });
});

import { withApiKey } from "@/lib/http/api-key-route";
import { readJsonObject } from "@/lib/http/monitor-params";
import { listPriceOverrides } from "@/lib/queries/prices";
import { putPriceOverride } from "@/lib/services/prices/price-overrides";

export const dynamic = "force-dynamic";

// An API key is operator-level access to its own project.
export const GET = withApiKey(async (_request, ctx) => Response.json({ data: await listPriceOverrides(ctx.handle.db, ctx.projectId) }));

/** Sets the price of a model (for one provider or any): 201 when new, 200 when it replaced one. */
export const PUT = withApiKey(async (request, ctx) => {
  const body = await readJsonObject(request);
  const { override, created } = await putPriceOverride({ ctx: { db: ctx.handle.db, actor: { kind: "operator" } }, input: { ...body, projectId: ctx.projectId } });
  return Response.json(override, { status: created ? 201 : 200 });
});

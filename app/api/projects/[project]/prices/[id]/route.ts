import { deletePriceOverride } from "@/lib/services/prices/price-overrides";
import { withProject } from "../../../_lib/with-project";

export const dynamic = "force-dynamic";

export const DELETE = withProject<{ project: string; id: string }>(async (_request, ctx, params) => {
  await deletePriceOverride({ ctx: ctx.service, input: { projectId: ctx.access.project.id, id: params.id } });
  return new Response(null, { status: 204 });
});

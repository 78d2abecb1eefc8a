import { putPriceOverride } from "@/lib/services/prices/price-overrides";
import { readJson, withProject } from "../../_lib/with-project";

export const dynamic = "force-dynamic";

export const PUT = withProject(async (request, ctx) => {
  const body = await readJson(request);
  const { override, created } = await putPriceOverride({ ctx: ctx.service, input: { ...body, projectId: ctx.access.project.id } });
  return Response.json(override, { status: created ? 201 : 200 });
});

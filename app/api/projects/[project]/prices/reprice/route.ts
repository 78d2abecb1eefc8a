import { requestRepricing } from "@/lib/services/prices/request-repricing";
import { readJson, withProject } from "../../../_lib/with-project";

export const dynamic = "force-dynamic";

export const POST = withProject(async (request, ctx) => {
  const body = await readJson(request);
  const { repricing } = await requestRepricing({ ctx: ctx.service, input: { ...body, projectId: ctx.access.project.id } });
  return Response.json(repricing, { status: 202 });
});

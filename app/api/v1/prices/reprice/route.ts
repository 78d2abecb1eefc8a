import { withApiKey } from "@/lib/http/api-key-route";
import { readJsonObject } from "@/lib/http/monitor-params";
import { requestRepricing } from "@/lib/services/prices/request-repricing";

export const dynamic = "force-dynamic";

/** Queues a re-pricing of a model's stored traces (202); asking again while it runs answers the same request. */
export const POST = withApiKey(async (request, ctx) => {
  const body = await readJsonObject(request);
  const { repricing } = await requestRepricing({ ctx: { db: ctx.handle.db, actor: { kind: "operator" } }, input: { ...body, projectId: ctx.projectId } });
  return Response.json(repricing, { status: 202 });
});

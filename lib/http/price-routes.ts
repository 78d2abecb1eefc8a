/**
 * The price-override handlers both route trees call (`/api/v1/prices…` and
 * `/api/projects/[project]/prices…`; docs/ingest.md, "Prices").
 */
import { listPriceOverrides, listUnknownModels } from "@/lib/queries/prices";
import { deletePriceOverride, putPriceOverride } from "@/lib/services/prices/price-overrides";
import { requestRepricing } from "@/lib/services/prices/request-repricing";
import { readJsonObject } from "./read-body";
import type { RouteContext } from "./route-context";

export async function listPricesRoute(_request: Request, ctx: RouteContext): Promise<Response> {
  return Response.json({ data: await listPriceOverrides(ctx.db, ctx.projectId) });
}

/** Sets the price of a model (for one provider or any): 201 when new, 200 when it replaced one. */
export async function putPriceRoute(request: Request, ctx: RouteContext): Promise<Response> {
  const body = await readJsonObject(request);
  const { override, created } = await putPriceOverride({ ctx: ctx.service, input: { ...body, projectId: ctx.projectId } });
  return Response.json(override, { status: created ? 201 : 200 });
}

export async function deletePriceRoute(_request: Request, ctx: RouteContext, id: string): Promise<Response> {
  await deletePriceOverride({ ctx: ctx.service, input: { projectId: ctx.projectId, id } });
  return new Response(null, { status: 204 });
}

/** Queues a re-pricing of a model's stored traces (202); asking again while it runs answers the same request. */
export async function repriceRoute(request: Request, ctx: RouteContext): Promise<Response> {
  const body = await readJsonObject(request);
  const { repricing } = await requestRepricing({ ctx: ctx.service, input: { ...body, projectId: ctx.projectId } });
  return Response.json(repricing, { status: 202 });
}

/** Models of the last 30 days with tokens but no price. */
export async function listUnknownModelsRoute(_request: Request, ctx: RouteContext): Promise<Response> {
  return Response.json({ data: await listUnknownModels(ctx.db, ctx.projectId) });
}

/**
 * The evaluation API, shared by the API-key tree (`/api/v1/evaluators`,
 * `/api/v1/datasets`) and the dashboard's session tree
 * (`/api/projects/[project]/…`): one handler each, given the project and who
 * acts. Items are uploaded as JSON (`[...]` or `{ "items": [...] }`), JSONL
 * or CSV by Content-Type; the dashboard sends a file's text as
 * `{ "content", "format" }`.
 */
import { itemsFormat, parseDatasetItems, type ItemsFormat } from "@/lib/ingest/dataset-items";
import { getDataset, listDatasetItems, listDatasets } from "@/lib/queries/datasets";
import { getEvaluationBacklog, getEvaluator, getEvaluatorSeries, listEvaluators, type SeriesGroup } from "@/lib/queries/evaluators";
import { addDatasetItems, createDataset, deleteDataset } from "@/lib/services/datasets/datasets";
import { backfillEvaluator, createEvaluator, deleteEvaluator, updateEvaluator } from "@/lib/services/evaluators/evaluators";
import { NotFoundError, ValidationError } from "@/lib/errors";
import { readBody, readJsonObject } from "./read-body";
import type { RouteContext } from "./route-context";

const MAX_JSON_BYTES = 1024 * 1024;
const MAX_ITEMS_BYTES = 16 * 1024 * 1024;
const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

function id(value: string, what: "Evaluator" | "Dataset"): string {
  if (!UUID.test(value)) throw new NotFoundError(what);
  return value;
}

export async function listEvaluatorsRoute(_request: Request, ctx: RouteContext): Promise<Response> {
  return Response.json({ data: await listEvaluators(ctx.db, ctx.projectId), backlog: await getEvaluationBacklog(ctx.db, ctx.projectId) });
}

export async function createEvaluatorRoute(request: Request, ctx: RouteContext): Promise<Response> {
  const body = await readJsonObject(request, MAX_JSON_BYTES);
  const evaluator = await createEvaluator({ ctx: ctx.service, input: { ...body, projectId: ctx.projectId } });
  return Response.json(evaluator, { status: 201, headers: { Location: `${ctx.base}/evaluators/${evaluator.id}` } });
}

export async function getEvaluatorRoute(_request: Request, ctx: RouteContext, evaluatorId: string): Promise<Response> {
  const evaluator = await getEvaluator(ctx.db, ctx.projectId, id(evaluatorId, "Evaluator"));
  if (!evaluator) throw new NotFoundError("Evaluator");
  return Response.json(evaluator);
}

export async function updateEvaluatorRoute(request: Request, ctx: RouteContext, evaluatorId: string): Promise<Response> {
  const body = await readJsonObject(request, MAX_JSON_BYTES);
  if (body.kind !== undefined) throw new ValidationError([{ path: "kind", message: "cannot change; create a new evaluator" }]);
  // The project and the evaluator come from the route, never from the body.
  return Response.json(await updateEvaluator({ ctx: ctx.service, input: { ...body, projectId: ctx.projectId, evaluatorId: id(evaluatorId, "Evaluator") } }));
}

export async function deleteEvaluatorRoute(_request: Request, ctx: RouteContext, evaluatorId: string): Promise<Response> {
  await deleteEvaluator({ ctx: ctx.service, input: { projectId: ctx.projectId, evaluatorId: id(evaluatorId, "Evaluator") } });
  return new Response(null, { status: 204 });
}

export async function backfillEvaluatorRoute(request: Request, ctx: RouteContext, evaluatorId: string): Promise<Response> {
  const body = await readJsonObject(request, MAX_JSON_BYTES);
  let since: Date | null = null;
  if (body.since !== undefined && body.since !== null) {
    since = typeof body.since === "string" ? new Date(body.since) : new Date(NaN);
    if (Number.isNaN(since.getTime())) throw new ValidationError([{ path: "since", message: "must be an ISO 8601 date-time" }]);
  }
  const result = await backfillEvaluator({ ctx: ctx.service, input: { projectId: ctx.projectId, evaluatorId: id(evaluatorId, "Evaluator"), since } });
  return Response.json(result, { status: 202 });
}

const GROUPS: readonly SeriesGroup[] = ["model", "route", "version"];

/** The Evaluations page's charts: `?days=30&groupBy=model|route|version`. */
export async function evaluatorSeriesRoute(_request: Request, ctx: RouteContext, evaluatorId: string): Promise<Response> {
  const search = ctx.url.searchParams;
  const days = Number(search.get("days") ?? 30);
  if (!Number.isInteger(days) || days < 1 || days > 365) throw new ValidationError([{ path: "days", message: "must be a whole number of days from 1 to 365" }]);
  const groupBy = (search.get("groupBy") ?? "model") as SeriesGroup;
  if (!GROUPS.includes(groupBy)) throw new ValidationError([{ path: "groupBy", message: `must be one of ${GROUPS.join(", ")}` }]);
  const evaluator = await getEvaluator(ctx.db, ctx.projectId, id(evaluatorId, "Evaluator"));
  if (!evaluator) throw new NotFoundError("Evaluator");
  const to = new Date(Date.now() + 60_000);
  const from = new Date(to.getTime() - days * 86_400_000);
  return Response.json(await getEvaluatorSeries(ctx.db, ctx.projectId, evaluator.id, { from, to, groupBy }));
}

export async function listDatasetsRoute(_request: Request, ctx: RouteContext): Promise<Response> {
  return Response.json({ data: await listDatasets(ctx.db, ctx.projectId) });
}

export async function createDatasetRoute(request: Request, ctx: RouteContext): Promise<Response> {
  const body = await readJsonObject(request, MAX_ITEMS_BYTES);
  const dataset = await createDataset({ ctx: ctx.service, input: { ...body, projectId: ctx.projectId } });
  return Response.json(dataset, { status: 201, headers: { Location: `${ctx.base}/datasets/${dataset.id}` } });
}

export async function getDatasetRoute(_request: Request, ctx: RouteContext, datasetId: string): Promise<Response> {
  const dataset = await getDataset(ctx.db, ctx.projectId, id(datasetId, "Dataset"));
  if (!dataset) throw new NotFoundError("Dataset");
  return Response.json(dataset);
}

export async function deleteDatasetRoute(_request: Request, ctx: RouteContext, datasetId: string): Promise<Response> {
  await deleteDataset({ ctx: ctx.service, input: { projectId: ctx.projectId, datasetId: id(datasetId, "Dataset") } });
  return new Response(null, { status: 204 });
}

export async function listDatasetItemsRoute(_request: Request, ctx: RouteContext, datasetId: string): Promise<Response> {
  const dataset = await getDataset(ctx.db, ctx.projectId, id(datasetId, "Dataset"));
  if (!dataset) throw new NotFoundError("Dataset");
  const search = ctx.url.searchParams;
  const limit = Math.min(1000, Math.max(1, Number(search.get("limit") ?? 500) || 500));
  const offset = Math.max(0, Number(search.get("offset") ?? 0) || 0);
  return Response.json({ dataset, data: await listDatasetItems(ctx.db, ctx.projectId, dataset.id, { limit, offset }) });
}

/**
 * Adds items: a JSON body (`[...]`, `{ "items": [...] }`, or the dashboard's
 * `{ "content": "<file text>", "format": "csv" | "jsonl" | "json" }`), or the
 * file itself as `application/x-ndjson` / `application/jsonl` or `text/csv`.
 */
export async function addDatasetItemsRoute(request: Request, ctx: RouteContext, datasetId: string): Promise<Response> {
  const dataset = id(datasetId, "Dataset");
  const format = itemsFormat(request.headers.get("content-type"));
  const text = new TextDecoder().decode(await readBody(request, MAX_ITEMS_BYTES));
  let parsed = parseDatasetItems(text, format);
  if (format === "json" && !parsed.ok) {
    let body: unknown = null;
    try {
      body = JSON.parse(text);
    } catch {
      // reported below as parsed
    }
    const wrapped = body as { content?: unknown; format?: unknown } | null;
    if (wrapped && typeof wrapped === "object" && typeof wrapped.content === "string") {
      const inner = (["csv", "jsonl", "json"] as const).includes(wrapped.format as ItemsFormat) ? (wrapped.format as ItemsFormat) : null;
      if (!inner) throw new ValidationError([{ path: "format", message: "must be csv, jsonl or json" }]);
      parsed = parseDatasetItems(wrapped.content, inner);
    }
  }
  if (!parsed.ok) throw new ValidationError(parsed.errors, "Invalid dataset items");
  const updated = await addDatasetItems({ ctx: ctx.service, input: { projectId: ctx.projectId, datasetId: dataset, items: parsed.items } });
  return Response.json({ ...updated, added: parsed.items.length }, { status: 201 });
}

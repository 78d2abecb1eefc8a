/**
 * The trace handlers both route trees call, on the one trace-list contract
 * (lib/http/query-params.ts `parseTraceListParams`) and the one read model
 * (lib/queries/traces-list.ts `listTraces`). The read API answers each trace
 * in full; the dashboard's table gets the row summary (prompt cut to 240
 * characters) — the same filter, order and cursor.
 */
import type { Database } from "@/db/client";
import { NotFoundError, ValidationError } from "@/lib/errors";
import { getEmbeddingBacklog } from "@/lib/queries/embedding-backlog";
import { similarTraces } from "@/lib/queries/trace-detail";
import { encodeCursor } from "@/lib/queries/trace-cursor";
import { listTraces, type TraceRow } from "@/lib/queries/traces-list";
import { getTrace, listTraceViews } from "@/lib/queries/traces-read";
import { z } from "zod";
import { parseTraceListParams } from "./query-params";
import type { RouteContext } from "./route-context";

/** One page of trace rows for the dashboard's table (its route and its server-rendered first page). */
export async function traceRowsPage(db: Database, projectId: string, search: URLSearchParams): Promise<{ data: TraceRow[]; nextCursor: string | null }> {
  const page = await listTraces(db, projectId, parseTraceListParams(search));
  return { data: page.rows, nextCursor: page.nextCursor ? encodeCursor(page.nextCursor) : null };
}

/** GET /api/projects/[p]/traces — rows for the table. */
export async function listTraceRowsRoute(_request: Request, ctx: RouteContext): Promise<Response> {
  return Response.json(await traceRowsPage(ctx.db, ctx.projectId, ctx.url.searchParams));
}

/** GET /api/v1/traces — each trace in full. */
export async function listTracesRoute(_request: Request, ctx: RouteContext): Promise<Response> {
  const page = await listTraceViews(ctx.db, ctx.projectId, parseTraceListParams(ctx.url.searchParams));
  return Response.json({ data: page.data, nextCursor: page.nextCursor ? encodeCursor(page.nextCursor) : null });
}

// Next.js hands route handlers the segment already decoded; decoding it again
// answered 500 for an id holding "%" and read "a%2Fb" as "a/b".
export async function getTraceRoute(_request: Request, ctx: RouteContext, id: string): Promise<Response> {
  const trace = await getTrace(ctx.db, ctx.projectId, id);
  // Another project's trace is simply not found: keys never see across projects.
  if (!trace) throw new NotFoundError("Trace");
  return Response.json(trace);
}

const SimilarParams = z.object({
  k: z
    .string()
    .regex(/^\d+$/, "must be a whole number from 1 to 100")
    .transform(Number)
    .pipe(z.number().int().min(1, "must be at least 1").max(100, "must be at most 100"))
    .optional(),
  which: z.enum(["prompt", "response"], "must be prompt or response").optional(),
});

/**
 * `?k=10&which=prompt|response` — the k traces whose prompt (or response) is
 * nearest to this one's (cosine distance through the embedding model's HNSW
 * index). `model: null` and no data: not embedded yet.
 */
export async function similarTracesRoute(_request: Request, ctx: RouteContext, id: string): Promise<Response> {
  const parsed = SimilarParams.safeParse(Object.fromEntries(ctx.url.searchParams.entries()));
  if (!parsed.success) {
    throw new ValidationError(parsed.error.issues.map((i) => ({ path: `query.${i.path.join(".")}`, message: i.message })), "Invalid query parameters");
  }
  const trace = await getTrace(ctx.db, ctx.projectId, id);
  if (!trace) throw new NotFoundError("Trace");
  const result = await similarTraces(ctx.handle, ctx.projectId, trace.id, { k: parsed.data.k ?? 10, which: parsed.data.which ?? "prompt" });
  return Response.json({ traceId: trace.id, ...result });
}

/** Texts waiting to be embedded, failed ones, and the oldest wait in seconds. */
export async function embeddingBacklogRoute(_request: Request, ctx: RouteContext): Promise<Response> {
  return Response.json(await getEmbeddingBacklog(ctx.handle, ctx.projectId));
}

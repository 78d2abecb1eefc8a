import { z } from "zod";
import { withApiKey } from "@/lib/http/api-key-route";
import { similarTraces } from "@/lib/queries/trace-detail";
import { getTrace } from "@/lib/queries/traces-read";
import { NotFoundError, ValidationError } from "@/lib/errors";

export const dynamic = "force-dynamic";

const Params = z.object({
  k: z
    .string()
    .regex(/^\d+$/, "must be a whole number from 1 to 100")
    .transform(Number)
    .pipe(z.number().int().min(1, "must be at least 1").max(100, "must be at most 100"))
    .optional(),
  which: z.enum(["prompt", "response"], "must be prompt or response").optional(),
});

/**
 * GET /api/v1/traces/{id}/similar?k=10&which=prompt|response — the k traces
 * whose prompt (or response) is nearest to this one's (cosine distance through
 * the embedding model's HNSW index). `model: null` and no data: not embedded yet.
 */
export const GET = withApiKey<{ id: string }>(async (request, ctx, params) => {
  const parsed = Params.safeParse(Object.fromEntries(new URL(request.url).searchParams.entries()));
  if (!parsed.success) {
    throw new ValidationError(parsed.error.issues.map((i) => ({ path: `query.${i.path.join(".")}`, message: i.message })), "Invalid query parameters");
  }
  const trace = await getTrace(ctx.handle.db, ctx.projectId, params.id);
  if (!trace) throw new NotFoundError("Trace");
  const result = await similarTraces(ctx.handle, ctx.projectId, trace.id, { k: parsed.data.k ?? 10, which: parsed.data.which ?? "prompt" });
  return Response.json({ traceId: trace.id, ...result });
});

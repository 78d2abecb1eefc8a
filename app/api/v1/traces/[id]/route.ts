import { withApiKey } from "@/lib/http/api-key-route";
import { getTrace } from "@/lib/queries/traces-read";
import { NotFoundError } from "@/lib/errors";

export const dynamic = "force-dynamic";

// Next.js hands route handlers the segment already decoded; decoding it again
// answered 500 for an id holding "%" and read "a%2Fb" as "a/b".
export const GET = withApiKey<{ id: string }>(async (_request, ctx, params) => {
  const trace = await getTrace(ctx.handle.db, ctx.projectId, params.id);
  // Another project's trace is simply not found: keys never see across projects.
  if (!trace) throw new NotFoundError("Trace");
  return Response.json(trace);
});

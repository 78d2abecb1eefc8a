import { withApiKey } from "@/lib/http/api-key-route";
import { postNativeTraces } from "@/lib/http/ingest-routes";
import { encodeCursor } from "@/lib/queries/trace-cursor";
import { parseTraceListParams } from "@/lib/http/trace-list-params";
import { listTraces } from "@/lib/queries/traces-read";

export const dynamic = "force-dynamic";

export const POST = postNativeTraces;

export const GET = withApiKey(async (request, ctx) => {
  const filter = parseTraceListParams(new URL(request.url).searchParams);
  const page = await listTraces(ctx.handle.db, ctx.projectId, filter);
  return Response.json({ data: page.data, nextCursor: page.nextCursor ? encodeCursor(page.nextCursor) : null });
});

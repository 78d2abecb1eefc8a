import { withApiKey } from "@/lib/http/api-key-route";
import { parseVersionChangeParams } from "@/lib/http/monitor-params";
import { listVersionChanges } from "@/lib/queries/monitors-version-changes";

export const dynamic = "force-dynamic";

/** `?provider&model&status&limit` */
export const GET = withApiKey(async (request, ctx) => {
  const filter = parseVersionChangeParams(new URL(request.url).searchParams);
  return Response.json({ data: await listVersionChanges(ctx.handle.db, ctx.projectId, filter) });
});

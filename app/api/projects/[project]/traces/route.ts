import { encodeCursor } from "@/lib/queries/trace-cursor";
import { searchTraces } from "@/lib/queries/traces-list";
import { parseTraceSearch } from "@/lib/queries/traces-list-params";
import { withProject } from "../../_lib/with-project";

export const dynamic = "force-dynamic";

export const GET = withProject(async (_request, ctx) => {
  const search = parseTraceSearch(ctx.url.searchParams);
  const page = await searchTraces(ctx.db, ctx.access.project.id, search);
  return Response.json({ data: page.rows, nextCursor: page.nextCursor ? encodeCursor(page.nextCursor) : null });
});

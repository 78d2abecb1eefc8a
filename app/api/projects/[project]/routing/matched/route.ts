import { getMatchedComparison } from "@/lib/queries/routing-matched";
import { periodFromSearch } from "@/lib/http/query-params";
import { withProject } from "@/lib/http/route-context";

export const dynamic = "force-dynamic";

export const GET = withProject(async (_request, ctx) => {
  const period = periodFromSearch(ctx.url);
  const score = ctx.url.searchParams.get("score")?.slice(0, 200) || null;
  return Response.json(await getMatchedComparison(ctx.db, ctx.projectId, period, { score }));
});

import { getRouting } from "@/lib/queries/routing";
import { enumParam, periodFromSearch } from "@/lib/http/query-params";
import { withProject } from "@/lib/http/route-context";

export const dynamic = "force-dynamic";

export const GET = withProject(async (_request, ctx) => {
  const period = periodFromSearch(ctx.url);
  const by = enumParam(ctx.url, "by", ["model", "route"] as const, "model");
  const score = ctx.url.searchParams.get("score")?.slice(0, 200) || null;
  return Response.json(await getRouting(ctx.db, ctx.projectId, period, { by, score }));
});

import { getBreakdown } from "@/lib/queries/overview-breakdown";
import { enumParam, periodFromSearch } from "@/lib/http/query-params";
import { withProject } from "@/lib/http/route-context";

export const dynamic = "force-dynamic";

export const GET = withProject(async (_request, ctx) => {
  const period = periodFromSearch(ctx.url);
  const by = enumParam(ctx.url, "by", ["model", "route", "tag"] as const, "model");
  return Response.json(await getBreakdown(ctx.db, ctx.projectId, period, by));
});

import { getBreakdown } from "@/lib/queries/overview-breakdown";
import { enumParam, periodFromSearch, withProject } from "../../../_lib/with-project";

export const dynamic = "force-dynamic";

export const GET = withProject(async (_request, ctx) => {
  const period = periodFromSearch(ctx.url);
  const by = enumParam(ctx.url, "by", ["model", "route", "tag"] as const, "model");
  return Response.json(await getBreakdown(ctx.db, ctx.access.project.id, period, by));
});

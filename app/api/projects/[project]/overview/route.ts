import { getOverview } from "@/lib/queries/overview";
import { periodFromSearch, withProject } from "../../_lib/with-project";

export const dynamic = "force-dynamic";

export const GET = withProject(async (_request, ctx) =>
  Response.json(await getOverview(ctx.db, ctx.access.project.id, periodFromSearch(ctx.url))),
);

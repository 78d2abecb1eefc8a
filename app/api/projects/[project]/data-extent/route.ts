import { getDataExtent } from "@/lib/queries/data-extent";
import { periodFromSearch, withProject } from "../../_lib/with-project";

export const dynamic = "force-dynamic";

export const GET = withProject(async (_request, ctx) =>
  Response.json(await getDataExtent(ctx.db, ctx.access.project.id, periodFromSearch(ctx.url))),
);

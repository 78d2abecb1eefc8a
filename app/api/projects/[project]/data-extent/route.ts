import { getDataExtent } from "@/lib/queries/data-extent";
import { periodFromSearch } from "@/lib/http/query-params";
import { withProject } from "@/lib/http/route-context";

export const dynamic = "force-dynamic";

export const GET = withProject(async (_request, ctx) =>
  Response.json(await getDataExtent(ctx.db, ctx.projectId, periodFromSearch(ctx.url))),
);

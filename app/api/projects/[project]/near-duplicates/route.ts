import { getNearDuplicates } from "@/lib/queries/near-duplicates";
import { periodFromSearch, withProject } from "../../_lib/with-project";

export const dynamic = "force-dynamic";

export const GET = withProject(async (_request, ctx) =>
  Response.json(await getNearDuplicates(ctx.db, ctx.access.project.id, periodFromSearch(ctx.url))),
);

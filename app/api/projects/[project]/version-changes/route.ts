import { parseVersionChangeParams } from "@/lib/http/monitor-params";
import { listVersionChanges } from "@/lib/queries/monitors-version-changes";
import { withProject } from "../../_lib/with-project";

export const dynamic = "force-dynamic";

/** Detected model-version switches, newest first: `?provider&model&status&limit`. */
export const GET = withProject(async (_request, ctx) =>
  Response.json({ data: await listVersionChanges(ctx.db, ctx.access.project.id, parseVersionChangeParams(ctx.url.searchParams)) }),
);

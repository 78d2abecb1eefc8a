import { getOpenAlerts } from "@/lib/queries/open-alerts";
import { withProject } from "../../../_lib/with-project";

export const dynamic = "force-dynamic";

/** The overview's open-alerts figure: how many monitors are firing, and which. */
export const GET = withProject(async (_request, ctx) => Response.json(await getOpenAlerts(ctx.db, ctx.access.project.id)));

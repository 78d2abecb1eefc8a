import { parseAlertParams } from "@/lib/http/monitor-params";
import { listAlerts } from "@/lib/queries/monitors-alerts";
import { withProject } from "../../_lib/with-project";

export const dynamic = "force-dynamic";

/** Alerts, firing first: `?state=firing|resolved&monitorId&limit`; each links to its evidence. */
export const GET = withProject(async (_request, ctx) =>
  Response.json({ data: await listAlerts(ctx.db, ctx.access.project.id, parseAlertParams(ctx.url.searchParams)) }),
);

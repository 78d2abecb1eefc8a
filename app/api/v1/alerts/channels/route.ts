import { withApiKey } from "@/lib/http/api-key-route";
import { readJsonObject } from "@/lib/http/monitor-params";
import { listAlertChannels } from "@/lib/queries/monitors-alerts";
import { createAlertChannel } from "@/lib/services/alert-channels/create-alert-channel";

export const dynamic = "force-dynamic";

export const GET = withApiKey(async (_request, ctx) => Response.json({ data: await listAlertChannels(ctx.handle.db, ctx.projectId) }));

/** `{ name, kind: "webhook" | "slack", url, secret? }` → the channel, with the webhook's signing secret (shown once). */
export const POST = withApiKey(async (request, ctx) => {
  const body = await readJsonObject(request);
  const channel = await createAlertChannel({ ctx: { db: ctx.handle.db, actor: { kind: "operator" } }, input: { ...body, projectId: ctx.projectId } as never });
  return Response.json(channel, { status: 201 });
});

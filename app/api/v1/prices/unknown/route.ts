import { withApiKey } from "@/lib/http/api-key-route";
import { listUnknownModels } from "@/lib/queries/prices";

export const dynamic = "force-dynamic";

/** Models of the last 30 days with tokens but no price. */
export const GET = withApiKey(async (_request, ctx) => Response.json({ data: await listUnknownModels(ctx.handle.db, ctx.projectId) }));

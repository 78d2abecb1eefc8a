import { withApiKey } from "@/lib/http/api-key-route";
import { getEmbeddingBacklog } from "@/lib/queries/embedding-backlog";

export const dynamic = "force-dynamic";

/** GET /api/v1/embeddings/backlog — texts waiting to be embedded, failed ones, and the oldest wait in seconds. */
export const GET = withApiKey(async (_request, ctx) => Response.json(await getEmbeddingBacklog(ctx.handle, ctx.projectId)));

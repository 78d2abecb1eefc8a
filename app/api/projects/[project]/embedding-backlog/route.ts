import { getEmbeddingBacklog } from "@/lib/queries/embedding-backlog";
import { withProject } from "../../_lib/with-project";

export const dynamic = "force-dynamic";

export const GET = withProject(async (_request, ctx) => Response.json(await getEmbeddingBacklog(ctx.handle, ctx.access.project.id)));

import { testConnection } from "@/lib/http/llm-connection-routes";
import { withProject } from "../../../../_lib/with-project";

export const dynamic = "force-dynamic";

export const POST = withProject<{ project: string; id: string }>(async (_request, ctx, params) =>
  testConnection({ ctx: ctx.service, projectId: ctx.access.project.id, collectionPath: "" }, params.id),
);

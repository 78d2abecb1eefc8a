import { withProject } from "@/lib/http/route-context";
import { deleteConnection, getConnection, updateConnection } from "@/lib/http/llm-connection-routes";

export const dynamic = "force-dynamic";

export const GET = withProject<{ project: string; id: string }>((request, ctx, params) => getConnection(request, ctx, params.id));
export const PATCH = withProject<{ project: string; id: string }>((request, ctx, params) => updateConnection(request, ctx, params.id));
export const DELETE = withProject<{ project: string; id: string }>((request, ctx, params) => deleteConnection(request, ctx, params.id));

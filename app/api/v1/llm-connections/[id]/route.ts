import { withApiKey } from "@/lib/http/route-context";
import { deleteConnection, getConnection, updateConnection } from "@/lib/http/llm-connection-routes";

export const dynamic = "force-dynamic";

export const GET = withApiKey<{ id: string }>((request, ctx, params) => getConnection(request, ctx, params.id));
export const PATCH = withApiKey<{ id: string }>((request, ctx, params) => updateConnection(request, ctx, params.id));
export const DELETE = withApiKey<{ id: string }>((request, ctx, params) => deleteConnection(request, ctx, params.id));

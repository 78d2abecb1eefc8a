import { withProject } from "@/lib/http/route-context";
import { testConnection } from "@/lib/http/llm-connection-routes";

export const dynamic = "force-dynamic";

export const POST = withProject<{ project: string; id: string }>((request, ctx, params) => testConnection(request, ctx, params.id));

import { withApiKey } from "@/lib/http/route-context";
import { createConnection, listConnections } from "@/lib/http/llm-connection-routes";

export const dynamic = "force-dynamic";

export const GET = withApiKey(listConnections);
export const POST = withApiKey(createConnection);

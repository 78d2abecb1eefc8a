import { withProject } from "@/lib/http/route-context";
import { createConnection, listConnections } from "@/lib/http/llm-connection-routes";

export const dynamic = "force-dynamic";

export const GET = withProject(listConnections);
export const POST = withProject(createConnection);

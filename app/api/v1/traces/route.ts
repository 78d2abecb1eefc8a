import { postNativeTraces } from "@/lib/http/ingest-routes";
import { withApiKey } from "@/lib/http/route-context";
import { listTracesRoute } from "@/lib/http/trace-routes";

export const dynamic = "force-dynamic";

export const POST = postNativeTraces;
export const GET = withApiKey(listTracesRoute);

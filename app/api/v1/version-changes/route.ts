import { withApiKey } from "@/lib/http/route-context";
import { listVersionChangesRoute } from "@/lib/http/monitor-routes";

export const dynamic = "force-dynamic";

export const GET = withApiKey(listVersionChangesRoute);

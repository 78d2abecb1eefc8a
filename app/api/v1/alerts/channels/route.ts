import { withApiKey } from "@/lib/http/route-context";
import { createAlertChannelRoute, listAlertChannelsRoute } from "@/lib/http/monitor-routes";

export const dynamic = "force-dynamic";

export const GET = withApiKey(listAlertChannelsRoute);
export const POST = withApiKey(createAlertChannelRoute);

import { withApiKey } from "@/lib/http/route-context";
import { listUnknownModelsRoute } from "@/lib/http/price-routes";

export const dynamic = "force-dynamic";

export const GET = withApiKey(listUnknownModelsRoute);

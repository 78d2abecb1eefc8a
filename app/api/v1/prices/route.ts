import { withApiKey } from "@/lib/http/route-context";
import { listPricesRoute, putPriceRoute } from "@/lib/http/price-routes";

export const dynamic = "force-dynamic";

export const GET = withApiKey(listPricesRoute);
export const PUT = withApiKey(putPriceRoute);

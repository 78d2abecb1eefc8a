import { withApiKey } from "@/lib/http/route-context";
import { deletePriceRoute } from "@/lib/http/price-routes";

export const dynamic = "force-dynamic";

export const DELETE = withApiKey<{ id: string }>((request, ctx, params) => deletePriceRoute(request, ctx, params.id));

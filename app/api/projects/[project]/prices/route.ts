import { withProject } from "@/lib/http/route-context";
import { putPriceRoute } from "@/lib/http/price-routes";

export const dynamic = "force-dynamic";

export const PUT = withProject(putPriceRoute);

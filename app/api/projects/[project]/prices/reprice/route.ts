import { withProject } from "@/lib/http/route-context";
import { repriceRoute } from "@/lib/http/price-routes";

export const dynamic = "force-dynamic";

export const POST = withProject(repriceRoute);

import { withProject } from "@/lib/http/route-context";
import { listTraceRowsRoute } from "@/lib/http/trace-routes";

export const dynamic = "force-dynamic";

export const GET = withProject(listTraceRowsRoute);

import { withProject } from "@/lib/http/route-context";
import { embeddingBacklogRoute } from "@/lib/http/trace-routes";

export const dynamic = "force-dynamic";

export const GET = withProject(embeddingBacklogRoute);

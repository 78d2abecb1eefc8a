import { withProject } from "@/lib/http/route-context";
import { createDatasetRoute, listDatasetsRoute } from "@/lib/http/evaluation-routes";

export const dynamic = "force-dynamic";

// Viewers read; engineers and admins write (the services check the role).
export const GET = withProject(listDatasetsRoute);
export const POST = withProject(createDatasetRoute);

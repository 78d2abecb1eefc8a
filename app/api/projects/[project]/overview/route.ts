import { getProjectAccess, requireApiUser } from "@/lib/auth/current-user";
import { errorResponse } from "@/lib/http/errors";
import { getOverview, periodFromRange } from "@/lib/queries/overview";
import { getDatabase } from "@/lib/server/database";

export const dynamic = "force-dynamic";

export async function GET(request: Request, context: { params: Promise<{ project: string }> }) {
  try {
    const { project } = await context.params;
    const access = await getProjectAccess(await requireApiUser(), project);
    const range = new URL(request.url).searchParams.get("range");
    const { db } = await getDatabase();
    return Response.json(await getOverview(db, access.project.id, periodFromRange(range)));
  } catch (error) {
    return errorResponse(error);
  }
}

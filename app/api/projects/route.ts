import { requireApiUser } from "@/lib/server/current-user";
import { errorResponse } from "@/lib/http/errors";
import { createProject } from "@/lib/services/projects/create-project";
import { getDatabase } from "@/lib/server/database";
import { readJsonObject } from "@/lib/http/read-body";
import { assertSameOriginJson } from "@/lib/http/route-context";

export const dynamic = "force-dynamic";

/** Instance administrators create projects (and become their admin). */
export async function POST(request: Request) {
  try {
    const user = await requireApiUser();
    assertSameOriginJson(request);
    const body = await readJsonObject(request);
    const { db } = await getDatabase();
    const project = await createProject({
      ctx: { db, actor: { kind: "user", userId: user.id, isInstanceAdmin: user.isInstanceAdmin } },
      input: { slug: String(body.slug ?? ""), name: String(body.name ?? "") },
    });
    return Response.json(project, { status: 201 });
  } catch (error) {
    return errorResponse(error);
  }
}

import { updateProjectSettings } from "@/lib/services/projects/update-project-settings";
import { readJsonObject } from "@/lib/http/read-body";
import { withProject } from "@/lib/http/route-context";

export const dynamic = "force-dynamic";

export const PATCH = withProject(async (request, ctx) => {
  const body = await readJsonObject(request);
  const row = await updateProjectSettings({
    ctx: ctx.service,
    input: {
      projectId: ctx.projectId,
      name: body.name as string | undefined,
      redaction: body.redaction as string | undefined,
      retentionDays: body.retentionDays as number | null | undefined,
    },
  });
  return Response.json({ slug: row.slug, name: row.name, redaction: row.redaction, retentionDays: row.retentionDays });
});

import { updateProjectSettings } from "@/lib/services/projects/update-project-settings";
import { readJson, withProject } from "../../_lib/with-project";

export const dynamic = "force-dynamic";

export const PATCH = withProject(async (request, ctx) => {
  const body = await readJson(request);
  const row = await updateProjectSettings({
    ctx: ctx.service,
    input: {
      projectId: ctx.access.project.id,
      name: body.name as string | undefined,
      redaction: body.redaction as string | undefined,
      retentionDays: body.retentionDays as number | null | undefined,
    },
  });
  return Response.json({ slug: row.slug, name: row.name, redaction: row.redaction, retentionDays: row.retentionDays });
});

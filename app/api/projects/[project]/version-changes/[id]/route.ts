import { getVersionChange } from "@/lib/queries/monitors-version-changes";
import { NotFoundError } from "@/lib/errors";
import { withProject } from "../../../_lib/with-project";

export const dynamic = "force-dynamic";

export const GET = withProject<{ project: string; id: string }>(async (_request, ctx, params) => {
  const change = await getVersionChange(ctx.db, ctx.access.project.id, params.id);
  if (!change) throw new NotFoundError("Version change");
  return Response.json(change);
});

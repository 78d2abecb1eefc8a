import { getVersionChange } from "@/lib/queries/monitors-version-changes";
import { regressionExamples } from "@/lib/queries/regression-examples";
import { NotFoundError } from "@/lib/errors";
import { withProject } from "../../../../_lib/with-project";

export const dynamic = "force-dynamic";

/** The prompt pairs whose answers moved the most across the change (bounded; the rule is in the answer). */
export const GET = withProject<{ project: string; id: string }>(async (_request, ctx, params) => {
  const change = await getVersionChange(ctx.db, ctx.access.project.id, params.id);
  if (!change) throw new NotFoundError("Version change");
  return Response.json(await regressionExamples(ctx.handle, ctx.access.project.id, change));
});

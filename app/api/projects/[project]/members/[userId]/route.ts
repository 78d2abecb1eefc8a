import { changeMemberRole } from "@/lib/services/members/change-member-role";
import { removeMember } from "@/lib/services/members/remove-member";
import { readJsonObject } from "@/lib/http/read-body";
import { withProject } from "@/lib/http/route-context";

export const dynamic = "force-dynamic";

type Params = { project: string; userId: string };

export const PATCH = withProject<Params>(async (request, ctx, params) => {
  const body = await readJsonObject(request);
  return Response.json(
    await changeMemberRole({ ctx: ctx.service, input: { projectId: ctx.projectId, userId: params.userId, role: body.role as "viewer" } }),
  );
});

export const DELETE = withProject<Params>(async (_request, ctx, params) =>
  Response.json(await removeMember({ ctx: ctx.service, input: { projectId: ctx.projectId, userId: params.userId } })),
);
